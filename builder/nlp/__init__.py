"""Language tools for the annotate stage: sentences, tokens, lemmas, term matching, numbers."""
