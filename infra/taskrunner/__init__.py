"""The code behind tasks.py: settings, the Compose stack, cleanup and offline images."""
