/**
 * A self-contained page that renders /docs/openapi.json: every operation with its access,
 * parameters, body schema and responses, then the socket.io namespaces and their events.
 * Plain DOM code with textContent only, so nothing in the document is ever parsed as HTML.
 */
export const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Co-op Dispatch API reference</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem; color: #1a1a1a; }
  h2 { border-bottom: 2px solid #1a1a1a; margin-top: 2.5rem; }
  section.op { border: 1px solid #888; border-radius: 6px; margin: 1rem 0; padding: 0.5rem 1rem; }
  .method { font-weight: bold; text-transform: uppercase; margin-right: 0.5rem; }
  .access { color: #444; font-size: 0.9rem; }
  pre { background: #f3f3f3; overflow-x: auto; padding: 0.5rem; font-size: 0.85rem; }
  details summary { cursor: pointer; }
  code { background: #f3f3f3; padding: 0 0.2rem; }
  a { color: #0b4fa0; }
</style>
</head>
<body>
<h1>Co-op Dispatch API reference</h1>
<p>Machine-readable: <a href="/docs/openapi.json">/docs/openapi.json</a> (OpenAPI 3.1). Errors are <code>application/problem+json</code> with a stable <code>code</code>.</p>
<main id="reference"><p>Loading…</p></main>
<script>
(function () {
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }
  function schemaBlock(title, schema) {
    var details = el('details');
    details.appendChild(el('summary', title));
    details.appendChild(el('pre', JSON.stringify(schema, null, 2)));
    return details;
  }
  function operation(path, method, op) {
    var section = el('section', undefined, 'op');
    var heading = el('h3');
    heading.appendChild(el('span', method, 'method'));
    heading.appendChild(el('code', path));
    section.appendChild(heading);
    section.appendChild(el('p', op.summary + (op['x-undocumented'] ? ' (not documented yet)' : '')));
    if (op.description) section.appendChild(el('p', op.description));
    var access = op.security && op.security.length ? 'Bearer token' + (op['x-roles'] ? '; roles: ' + op['x-roles'].join(', ') : '') : 'Public';
    section.appendChild(el('p', 'Access: ' + access, 'access'));
    (op.parameters || []).forEach(function (p) {
      section.appendChild(schemaBlock('Parameter ' + p.name + ' (' + p.in + (p.required ? ', required' : '') + ')', p.schema));
    });
    if (op.requestBody) section.appendChild(schemaBlock('Request body', op.requestBody.content['application/json'].schema));
    var list = el('ul');
    Object.keys(op.responses).forEach(function (status) {
      var response = op.responses[status];
      var item = el('li', status + ': ' + response.description);
      var json = response.content && response.content['application/json'];
      if (json) item.appendChild(schemaBlock('Response body', json.schema));
      list.appendChild(item);
    });
    section.appendChild(list);
    return section;
  }
  function socketNamespace(ns) {
    var section = el('section', undefined, 'op');
    section.appendChild(el('h3', 'Namespace ' + ns.namespace));
    section.appendChild(el('p', ns.summary));
    ns.events.forEach(function (event) {
      var item = el('div');
      var heading = el('h4');
      heading.appendChild(el('code', event.event));
      heading.appendChild(document.createTextNode(event.direction === 'client-to-server' ? ' (client to server)' : ' (server to client)'));
      item.appendChild(heading);
      item.appendChild(el('p', event.summary));
      if (event.ack) item.appendChild(el('p', 'Ack: ' + event.ack, 'access'));
      if (event.errors) item.appendChild(el('p', 'Error codes: ' + event.errors.join(', '), 'access'));
      if (event.payload) item.appendChild(schemaBlock('Payload', event.payload));
      section.appendChild(item);
    });
    return section;
  }
  fetch('/docs/openapi.json').then(function (r) { return r.json(); }).then(function (doc) {
    var main = document.getElementById('reference');
    main.textContent = '';
    main.appendChild(el('h2', 'HTTP'));
    Object.keys(doc.paths).forEach(function (path) {
      Object.keys(doc.paths[path]).forEach(function (method) { main.appendChild(operation(path, method, doc.paths[path][method])); });
    });
    main.appendChild(el('h2', 'Socket.io'));
    main.appendChild(el('p', 'Connect with auth: { token }. Every event a client sends is acknowledged: { ok: true, ... } or { ok: false, error: { code, message } }.'));
    (doc['x-socket-namespaces'] || []).forEach(function (ns) { main.appendChild(socketNamespace(ns)); });
  }).catch(function (error) {
    document.getElementById('reference').textContent = 'Could not load the reference: ' + error;
  });
})();
</script>
</body>
</html>
`;
