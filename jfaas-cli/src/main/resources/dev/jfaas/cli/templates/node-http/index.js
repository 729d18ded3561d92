// The function's server: jfaas gives it $PORT; /_/health says it is ready. Edit handler.js, not this.
const http = require("http");
const handler = require("./handler");

http.createServer((req, res) => {
  if (req.url === "/_/health") {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end("OK");
    return;
  }
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", async () => {
    try {
      const out = await handler(req.method, req.url, req.headers, Buffer.concat(chunks));
      res.writeHead(out.status || 200, out.headers || { "Content-Type": "text/plain" });
      res.end(out.body);
    } catch (e) {
      console.error(e);
      res.writeHead(500, { "Content-Type": "text/plain" });
      res.end("internal error");
    }
  });
}).listen(Number(process.env.PORT || 8080), "127.0.0.1");
