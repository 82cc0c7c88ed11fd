# Rasa NLU targets (filled in by the NLU work; placeholders keep the Makefile valid meanwhile).
.PHONY: nlu-model nlu-check nlu-bench
nlu-model:
	@true
nlu-check:
	@true
nlu-bench:
	@true
