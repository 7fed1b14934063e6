"""repurpose: one long article in; an email digest, social threads and an FAQ snippet out."""

__version__ = "0.1.0"
