"""The sandbox's mailin API: models (state and rules), responses (routes), urls, errors."""
