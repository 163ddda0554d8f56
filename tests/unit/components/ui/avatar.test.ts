import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Avatar } from "@/components/ui/avatar";

const src = "https://cdn.discordapp.com/avatars/1200000000000000004/8c2e5b9d1a7f4e3c6b0d9a2f5e8c1b74.png?size=64";

describe("the avatar", () => {
  it("is a sized, lazily loaded image, decorative beside the name it pictures", () => {
    const html = renderToStaticMarkup(createElement(Avatar, { src }));
    expect(html).toMatch(/^<img [^>]*>$/);
    expect(html).toContain(`src="${src.replace("&", "&amp;")}"`);
    expect(html).toContain('alt=""');
    expect(html).toContain('width="32"');
    expect(html).toContain('height="32"');
    expect(html).toContain('loading="lazy"');
    expect(html).toContain("rounded-full");
  });

  it("takes a smaller size for table rows, and a name when it stands alone", () => {
    const html = renderToStaticMarkup(createElement(Avatar, { src, size: 24, label: "Manager" }));
    expect(html).toContain('width="24"');
    expect(html).toContain('alt="Manager"');
  });
});
