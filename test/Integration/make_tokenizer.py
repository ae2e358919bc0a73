#!/usr/bin/env python3
"""Trains a small SentencePiece BPE model (vocabulary 256, BOS 1) on a
seeded synthetic story corpus, and writes the corpus's token ids, for
tokenizer.test: make_tokenizer.py OUT_DIR."""
import random
import sys

import numpy as np
import sentencepiece as spm

out = sys.argv[1]
random.seed(0)
words = ("once upon a time there was a little girl named lily she liked to "
         "play in the park with her dog max one day they found a big red ball "
         "under the old tree and they played until the sun went down").split()
lines = [" ".join(random.choice(words) for _ in range(random.randint(5, 15)))
         .capitalize() + "." for _ in range(400)]
with open(f"{out}/corpus.txt", "w") as f:
    f.write("\n".join(lines) + "\n")
spm.SentencePieceTrainer.train(
    input=f"{out}/corpus.txt", model_prefix=f"{out}/tok", vocab_size=256,
    model_type="bpe", character_coverage=1.0, bos_id=1, eos_id=2, unk_id=0,
    pad_id=-1, minloglevel=2)
sp = spm.SentencePieceProcessor(model_file=f"{out}/tok.model")
with open(f"{out}/corpus.txt") as f:
    ids = sp.encode(f.read())
np.save(f"{out}/ids.npy", np.array(ids, np.int64))
prompt = [1] + sp.encode("Once upon a time")
print("prompt ids:", ",".join(map(str, prompt)))
