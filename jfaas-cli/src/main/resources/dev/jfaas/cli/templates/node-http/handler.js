// The {{name}} function: returns { status, headers, body }.
module.exports = async (method, path, headers, body) => ({
  status: 200,
  headers: { "Content-Type": "text/plain" },
  body: "Hello from {{name}}: " + body.toString(),
});
