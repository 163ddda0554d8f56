export default function HomePage() {
  return (
    <main className="mx-auto flex min-h-screen max-w-xl flex-col items-center justify-center gap-6 p-6 text-center">
      <h1 className="text-3xl font-bold">SAFA Dashboard</h1>
      <p className="text-slate-700">Log in with the Discord account you use in the SAFA server to see your profile, your team and what you can do next.</p>
      <a
        href="/api/auth/signin/discord"
        className="rounded-md bg-discord px-5 py-3 font-semibold text-white hover:bg-indigo-600"
      >
        Log in with Discord
      </a>
    </main>
  );
}
