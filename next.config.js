/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `npm test` runs the type check once (tsc --noEmit); the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
  // pino and ioredis are Node libraries; keep them out of the server bundle.
  serverExternalPackages: ["pino", "ioredis", "prom-client"],
  // The forms' server actions take bodies no larger than the API's (maxRequestBodyBytes in lib/http/gate.ts),
  // also where the front door (server/main.ts) does not stand in front, as under `next dev`.
  experimental: { serverActions: { bodySizeLimit: "16kb" } },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
      {
        // JSON answers never render as a page; pages get their nonce-based CSP from proxy.ts.
        source: "/api/:path*",
        headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" }],
      },
    ];
  },
};

module.exports = nextConfig;
