"""The web edge: how a request turns a service call into one commit, a refusal into a message on
the form or a flash, a destructive action into a confirmation page, and a failure into an error page."""
