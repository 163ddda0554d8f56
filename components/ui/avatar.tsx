/**
 * A user's Discord avatar, drawn beside their name. The name says who it is,
 * so the image is decorative (`alt=""`) unless `label` names it. A plain
 * `<img>`, not next/image: avatars come from Discord's CDN (or the
 * emulator's), already sized by `?size=`, and the optimizer would fetch them
 * server-side and need every CDN host configured; the CSP allows exactly the
 * configured CDN origin instead. Width and height are set, so nothing moves
 * while it loads.
 */
export function Avatar({ src, size = 32, label }: { src: string; size?: 24 | 32 | 40; label?: string }) {
  return (
    // eslint-disable-next-line @next/next/no-img-element -- see above: the CDN already sizes the image, and the optimizer would proxy it.
    <img
      src={src}
      alt={label ?? ""}
      width={size}
      height={size}
      loading="lazy"
      decoding="async"
      referrerPolicy="no-referrer"
      className="shrink-0 rounded-full bg-slate-200 object-cover"
      data-avatar=""
    />
  );
}
