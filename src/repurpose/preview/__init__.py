"""The preview web app: the same pipeline as `render`, shown in a browser with live reload."""
