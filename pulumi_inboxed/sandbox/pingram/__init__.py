"""The sandbox's pingram API: models (state and rules), responses (routes), urls, errors."""
