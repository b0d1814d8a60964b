"""Mail: events queue rendered rows in the outbox (same transaction); the worker delivers them."""
