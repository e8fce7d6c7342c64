"""Static research-site generator: news articles to a cited MkDocs site."""

__version__ = "0.1.0"
