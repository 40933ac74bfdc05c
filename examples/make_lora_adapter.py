"""Make the LoRA adapter fixtures with PEFT, from a tiny random Llama.

Nothing is downloaded: the base model is a ``LlamaForCausalLM`` built from a
configuration (hidden size 32, 2 layers, vocabulary 96) with random weights
drawn from a fixed seed.  PEFT adds rank-4 LoRA adapters to ``q_proj``,
``k_proj``, ``v_proj``, ``o_proj`` and ``down_proj`` of both layers (10
adapted modules), trains most of them for 300 Adam steps on a synthetic
next-token task (sequences that cycle through a random 12-token alphabet; the
loss falls from 5.24 to 0.21), then edits some factors in place so that the adapter holds
every case of Theorem 2 that matters for LoRA, ``W1 = lora_B`` (d_out x r),
``W2 = lora_A`` (r x d_in):

=============================  =================================================
module                         what its factors are
=============================  =================================================
layers.0.self_attn.q_proj      trained
layers.0.self_attn.k_proj      trained
layers.0.self_attn.v_proj      PEFT's initialisation, never trained: B = 0
layers.0.self_attn.o_proj      trained, then B's column 1 := column 0
layers.0.mlp.down_proj         trained (d_in 64, d_out 32)
layers.1.self_attn.q_proj      trained, then A's row 3 := 0
layers.1.self_attn.k_proj      trained, then B's column 3 := 0 and A's row 3 := 0
layers.1.self_attn.v_proj      trained, then B's column 1 := column 0 and
                               A's row 1 := -row 0
layers.1.self_attn.o_proj      A = 0 and B = 0
layers.1.mlp.down_proj         trained
=============================  =================================================

``save_pretrained`` then writes ``adapter_model.safetensors`` and
``adapter_config.json`` to ``models/lora-adapter`` (float32), and again after
``.to(torch.bfloat16)`` to ``models/lora-adapter-bf16``; the generated model
card (README.md) is removed.  The script reloads each adapter with
``PeftModel.from_pretrained`` and checks every tensor came back unchanged.

Needs torch, transformers and peft (CPU is enough; a few seconds)::

    python3 -m venv /tmp/peft-venv
    /tmp/peft-venv/bin/pip install torch==2.13.0
    /tmp/peft-venv/bin/pip install peft==0.21.2 transformers==5.24.0
    /tmp/peft-venv/bin/python examples/make_lora_adapter.py

PEFT stores ``target_modules`` as a set, so the order it is written in
``adapter_config.json`` depends on Python's string hashing; the script runs
itself again with ``PYTHONHASHSEED=0`` so that the file is the same every time.
"""

import os
import shutil
import sys

if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import torch  # noqa: E402
from peft import LoraConfig, PeftModel, get_peft_model  # noqa: E402
from transformers import LlamaConfig, LlamaForCausalLM  # noqa: E402

SEED = 0
RANK = 4
VOCAB = 96
TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "down_proj"]
NEVER_TRAINED = ["model.layers.0.self_attn.v_proj"]
ALPHABET = 12
STEPS = 300
BATCH, LENGTH = 32, 16


def base_model():
    """A tiny Llama with random weights from the current torch seed.

    The weights' standard deviation is 0.2: Llama's default 0.02 leaves a
    32-wide model's logits too small for the adapter to learn anything.
    """
    config = LlamaConfig(vocab_size=VOCAB, hidden_size=32, intermediate_size=64,
                         num_hidden_layers=2, num_attention_heads=4,
                         num_key_value_heads=4, max_position_embeddings=64,
                         initializer_range=0.2)
    return LlamaForCausalLM(config)


def lora_module(model, path):
    """The LoRA layer at a module path of the base model, e.g. model.layers.0..."""
    return model.get_submodule("base_model.model." + path)


def batches(generator, alphabet, successor):
    """Sequences x_0, succ(x_0), succ(succ(x_0)), ... from random starts in the alphabet."""
    while True:
        tokens = [alphabet[torch.randint(0, ALPHABET, (BATCH,), generator=generator)]]
        for _ in range(LENGTH - 1):
            tokens.append(successor[tokens[-1]])
        yield torch.stack(tokens, dim=1)


def train(model):
    generator = torch.Generator().manual_seed(SEED + 1)
    alphabet = torch.randperm(VOCAB, generator=generator)[:ALPHABET]
    successor = torch.arange(VOCAB)
    successor[alphabet] = alphabet.roll(1)
    params = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.Adam(params, lr=1e-2)
    data = batches(generator, alphabet, successor)
    for step in range(STEPS):
        tokens = next(data)
        loss = model(input_ids=tokens, labels=tokens).loss
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if step in (0, STEPS - 1):
            print(f"step {step}: loss {loss.item():.4f}")


def edit_factors(model):
    """Make the rank-deficient cases listed in the module docstring."""
    with torch.no_grad():
        def factors(path):
            layer = lora_module(model, path)
            return layer.lora_B["default"].weight, layer.lora_A["default"].weight

        b, a = factors("model.layers.0.self_attn.o_proj")
        b[:, 1] = b[:, 0]
        b, a = factors("model.layers.1.self_attn.q_proj")
        a[3, :] = 0
        b, a = factors("model.layers.1.self_attn.k_proj")
        b[:, 3] = 0
        a[3, :] = 0
        b, a = factors("model.layers.1.self_attn.v_proj")
        b[:, 1] = b[:, 0]
        a[1, :] = -a[0, :]
        b, a = factors("model.layers.1.self_attn.o_proj")
        b.zero_()
        a.zero_()


def save(model, directory):
    model.save_pretrained(directory)
    card = os.path.join(directory, "README.md")
    if os.path.exists(card):
        os.remove(card)
    print(f"wrote {directory}: " + ", ".join(
        f"{name} ({os.path.getsize(os.path.join(directory, name))} bytes)"
        for name in sorted(os.listdir(directory))))


def check_reload(model, directory, dtype):
    """Load the adapter into a fresh base model; every LoRA tensor must match."""
    torch.manual_seed(SEED)
    reloaded = PeftModel.from_pretrained(base_model(), directory).to(dtype)
    expected = {n: p for n, p in model.named_parameters() if "lora_" in n}
    found = {n: p for n, p in reloaded.named_parameters() if "lora_" in n}
    assert expected.keys() == found.keys(), (expected.keys(), found.keys())
    for name, tensor in expected.items():
        assert found[name].dtype == dtype, (name, found[name].dtype)
        assert torch.equal(tensor, found[name]), name
    print(f"reloaded {directory}: {len(found)} LoRA tensors identical")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "models")
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    model = get_peft_model(base_model(), LoraConfig(
        r=RANK, lora_alpha=2 * RANK, lora_dropout=0.0, target_modules=TARGETS))
    for path in NEVER_TRAINED:
        for param in lora_module(model, path).parameters():
            param.requires_grad_(False)
    train(model)
    edit_factors(model)

    for name, dtype in (("lora-adapter", torch.float32), ("lora-adapter-bf16", torch.bfloat16)):
        directory = os.path.join(out, name)
        shutil.rmtree(directory, ignore_errors=True)
        model = model.to(dtype)
        save(model, directory)
        check_reload(model, directory, dtype)
    return 0


if __name__ == "__main__":
    sys.exit(main())
