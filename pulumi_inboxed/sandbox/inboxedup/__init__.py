"""The sandbox's inboxedup API: models (state and rules), responses (routes), urls, errors."""
