// Renders this server's API description; "Authorize" takes a key as "ApiKey sk-sandbox-...".
window.ui = SwaggerUIBundle({
  url: '/api/v1/openapi.json',
  dom_id: '#api',
  deepLinking: true,
  tryItOutEnabled: false,
  persistAuthorization: false,
});
