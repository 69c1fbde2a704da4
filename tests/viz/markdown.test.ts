import { test } from "node:test";
import assert from "node:assert/strict";
import { markdownToHtml } from "../../lib/viz/markdown";

test("markdownToHtml: headings, paragraphs, lists, inline marks", () => {
  const html = markdownToHtml("# Title\nsome **bold** and *it* and `a<b`\nsame paragraph\n\n- one\n- two\n\n1. first\n2. second");
  assert.equal(
    html,
    [
      "<h1>Title</h1>",
      "<p>some <strong>bold</strong> and <em>it</em> and <code>a&lt;b</code> same paragraph</p>",
      "<ul><li>one</li><li>two</li></ul>",
      "<ol><li>first</li><li>second</li></ol>",
    ].join("\n"),
  );
});

test("markdownToHtml: escapes markup from data; fenced code kept verbatim; only safe links", () => {
  const html = markdownToHtml('<script>alert(1)</script>\n```\nx = "<b>"\n```\n[ok](https://a.b/c) [bad](javascript:alert(1))');
  assert.ok(!html.includes("<script>"));
  assert.ok(html.includes("&lt;script&gt;"));
  assert.ok(html.includes('<pre><code>x = &quot;&lt;b&gt;&quot;</code></pre>'));
  assert.ok(html.includes('<a href="https://a.b/c">ok</a>'));
  assert.ok(!html.includes('href="javascript'));
});
