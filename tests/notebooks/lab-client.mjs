// Run with `node --experimental-websocket` (Node 20 has WebSocket behind that flag): starts a "tslab" kernel
// on a running Jupyter server, executes a TypeScript cell that imports the library, prints its result, exits 0.
// usage: lab-client.mjs BASE_URL TOKEN
const [base, token] = process.argv.slice(2);
const headers = { authorization: `token ${token}`, "content-type": "application/json" };
const started = await fetch(`${base}/api/kernels`, { method: "POST", headers, body: JSON.stringify({ name: "tslab" }) });
if (!started.ok) throw new Error(`POST /api/kernels: ${started.status} ${await started.text()}`);
const { id } = await started.json();
const ws = new WebSocket(`${base.replace(/^http/, "ws")}/api/kernels/${id}/channels?token=${token}`);
const msgId = `nanoinstruct-lab-test-${Date.now()}`;
const code = 'import { TEMPLATE_NAMES } from "./lib/data/templates";\nconst n: number = TEMPLATE_NAMES.length;\nn * 2';
const timer = setTimeout(() => { console.error("no result within 120 s"); process.exit(1); }, 120_000);
ws.onopen = () => ws.send(JSON.stringify({
  header: { msg_id: msgId, msg_type: "execute_request", username: "test", session: "s", version: "5.3", date: new Date().toISOString() },
  parent_header: {}, metadata: {}, channel: "shell",
  content: { code, silent: false, store_history: false, user_expressions: {}, allow_stdin: false, stop_on_error: true },
}));
ws.onmessage = async (ev) => {
  const m = JSON.parse(typeof ev.data === "string" ? ev.data : Buffer.from(await ev.data.arrayBuffer()).toString());
  if (process.env.LAB_CLIENT_DEBUG) console.error(m.channel, m.msg_type, JSON.stringify(m.content).slice(0, 200));
  if (m.parent_header?.msg_id !== msgId) return;
  // tslab shows a cell's last value on stdout; other kernels send execute_result.
  if (m.msg_type === "execute_result") console.log(`result: ${m.content.data["text/plain"]}`);
  if (m.msg_type === "stream" && m.content.name === "stdout") console.log(`result: ${m.content.text.trim()}`);
  if (m.msg_type === "error") console.log(`error: ${m.content.ename}: ${m.content.evalue}`);
  if (m.msg_type === "status" && m.content.execution_state === "idle") {
    clearTimeout(timer);
    ws.close();
    await fetch(`${base}/api/kernels/${id}`, { method: "DELETE", headers });
    process.exit(0);
  }
};
ws.onerror = (e) => { console.error(`websocket: ${e.message ?? e}`); process.exit(1); };
