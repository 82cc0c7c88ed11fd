"""Natural-language understanding: the Rasa project (config, data) and its async client."""
