import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderMainConf, renderSiteConf, siteTemplatePath } from "../../../scripts/nginx";

const template = readFileSync(siteTemplatePath, "utf8");
const upstreams = [
  { host: "127.0.0.1", port: 4101 },
  { host: "127.0.0.1", port: 4102 },
];

describe("the nginx site template (deploy/nginx/safa.conf)", () => {
  it("is filled in completely: the listen address, the canonical host and one server line per instance", () => {
    const site = renderSiteConf(template, { listen: "127.0.0.1:4100", serverName: "127.0.0.1", upstreams });
    expect(site).not.toMatch(/\{\{|\}\}/);
    expect(site).toContain("listen 127.0.0.1:4100;");
    expect(site).toContain("server_name 127.0.0.1;");
    expect(site.match(/^\s*server 127\.0\.0\.1:410[12] /gm)).toHaveLength(2);
  });

  it("keeps the live-update stream's location unbuffered, uncached and uncompressed", () => {
    const site = renderSiteConf(template, { listen: "127.0.0.1:4100", serverName: "127.0.0.1", upstreams });
    const events = /location = \/api\/events \{([^}]*)\}/.exec(site)?.[1] ?? "";
    expect(events).toMatch(/proxy_buffering off;/);
    expect(events).toMatch(/proxy_cache off;/);
    expect(events).toMatch(/gzip off;/);
    expect(events).toMatch(/proxy_read_timeout 1h;/);
  });

  it("refuses a template with a placeholder it does not know, and an empty upstream", () => {
    expect(() => renderSiteConf(`${template}\n# {{tls_certificate}}`, { listen: "x", serverName: "y", upstreams })).toThrow(/\{\{tls_certificate\}\}/);
    expect(() => renderSiteConf(template, { listen: "x", serverName: "y", upstreams: [] })).toThrow(/at least one app instance/);
  });

  it("runs nginx with every path it writes inside the data dir", () => {
    const main = renderMainConf("/srv/stack/nginx", "/srv/stack/nginx/safa.conf");
    const paths = [...main.matchAll(/(?:pid|error_log|access_log|_temp_path|include) (\S+?);?(?:\s|$)/g)].map((match) => match[1]);
    expect(paths.length).toBeGreaterThanOrEqual(9);
    for (const path of paths) expect(path?.startsWith("/srv/stack/nginx/")).toBe(true);
    expect(main).not.toMatch(/daemon/);
  });
});
