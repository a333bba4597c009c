"""Writing to the investor from the lead: reply templates in four languages, the message sent through
the outbox with threading headers and brochures attached, and recorded on the timeline."""
