"""What guards every request: the access gate, CSRF, session limits, rate limits, response headers."""
