"""Cross-cutting protections: headers, CSRF, the access-rule table, throttling, uploads, HTML."""
