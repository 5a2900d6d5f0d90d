#!/usr/bin/env python3
"""Eager PyTorch baseline for bench/DISD.Bench.Models: the same Gemma-2 forward (fused QKV and gate/up, GQA without
repeating heads, float32 RMSNorm and softmax, soft-capping, a preallocated KV cache), the same steps and the same
JSON. Needs only torch (Debian's python3-torch); reads config.json and model.safetensors itself.

Usage: gemma2_eager.py --model DIR [--threads N] [--block K1] [--repeats N] [--dtype float32|bfloat16] [--json]
"""
import argparse
import json
import math
import random
import statistics
import struct
import sys
import time

import torch
import torch.nn.functional as F

SAFETENSORS_DTYPES = {"BF16": torch.bfloat16, "F16": torch.float16, "F32": torch.float32}


def load_safetensors(path):
    with open(path, "rb") as f:
        (header_len,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_len))
        data = bytearray(f.read())
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        dtype = SAFETENSORS_DTYPES[entry["dtype"]]
        size = torch.empty(0, dtype=dtype).element_size()
        flat = torch.frombuffer(data, dtype=dtype, count=(end - begin) // size, offset=begin)
        tensors[name.removeprefix("model.")] = flat.reshape(entry["shape"])
    return tensors


class Gemma2:
    def __init__(self, directory, dtype):
        with open(f"{directory}/config.json") as f:
            c = json.load(f)
        self.c = c
        w = load_safetensors(f"{directory}/model.safetensors")
        self.dtype = dtype
        load = lambda name: w[name].to(dtype).contiguous()
        norm = lambda name: (w[name].float() + 1.0).contiguous()
        self.embedding = load("embed_tokens.weight")
        self.embedding_scale = torch.tensor(math.sqrt(c["hidden_size"]), dtype=dtype)
        self.layers = []
        for i in range(c["num_hidden_layers"]):
            p = f"layers.{i}."
            self.layers.append(dict(
                input_norm=norm(p + "input_layernorm.weight"),
                qkv=torch.cat([load(p + f"self_attn.{x}_proj.weight") for x in "qkv"]),
                o=load(p + "self_attn.o_proj.weight"),
                post_attention_norm=norm(p + "post_attention_layernorm.weight"),
                pre_feedforward_norm=norm(p + "pre_feedforward_layernorm.weight"),
                gate_up=torch.cat([load(p + "mlp.gate_proj.weight"), load(p + "mlp.up_proj.weight")]),
                down=load(p + "mlp.down_proj.weight"),
                post_feedforward_norm=norm(p + "post_feedforward_layernorm.weight"),
                sliding=i % 2 == 0))
        self.final_norm = norm("norm.weight")
        d = c["head_dim"]
        self.inv_freq = 1.0 / (c.get("rope_theta", 10000.0) ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
        self.scale = c["query_pre_attn_scalar"] ** -0.5

    def new_cache(self, capacity):
        c = self.c
        shape = (c["num_key_value_heads"], capacity, c["head_dim"])
        return [(torch.zeros(shape, dtype=self.dtype), torch.zeros(shape, dtype=self.dtype)) for _ in self.layers]

    def rms(self, x, one_plus_w):
        x32 = x.float()
        return (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + self.c["rms_norm_eps"]) * one_plus_w).to(x.dtype)

    def forward(self, ids, cache, start):
        c = self.c
        t = ids.shape[0]
        positions = torch.arange(start, start + t, dtype=torch.float32)
        angles = positions[:, None] * self.inv_freq[None, :]
        doubled = torch.cat([angles, angles], -1)
        cos, sin = doubled.cos().to(self.dtype), doubled.sin().to(self.dtype)
        masks = {}
        for sliding in (False, True):
            first = max(0, start - c["sliding_window"] + 1) if sliding else 0
            if t == 1:
                masks[sliding] = (first, None)
                continue
            q_pos = torch.arange(start, start + t)[:, None]
            k_pos = torch.arange(first, start + t)[None, :]
            allowed = k_pos <= q_pos
            if sliding:
                allowed &= k_pos > q_pos - c["sliding_window"]
            masks[sliding] = (first, torch.zeros(allowed.shape, dtype=self.dtype).masked_fill_(~allowed, float("-inf")))
        h = self.embedding.index_select(0, ids) * self.embedding_scale
        for i, layer in enumerate(self.layers):
            first, mask = masks[layer["sliding"]]
            attended = self.attention(layer, i, self.rms(h, layer["input_norm"]), cos, sin, first, mask, cache, start)
            h = h + self.rms(attended, layer["post_attention_norm"])
            both = F.linear(self.rms(h, layer["pre_feedforward_norm"]), layer["gate_up"])
            gate, up = both.chunk(2, -1)
            fed = F.linear(F.gelu(gate, approximate="tanh") * up, layer["down"])
            h = h + self.rms(fed, layer["post_feedforward_norm"])
        logits = F.linear(self.rms(h, self.final_norm), self.embedding)
        cap = c["final_logit_softcapping"]
        return torch.tanh(logits / cap) * cap

    def attention(self, layer, index, x, cos, sin, first, mask, cache, start):
        c = self.c
        heads, kv_heads, d = c["num_attention_heads"], c["num_key_value_heads"], c["head_dim"]
        t = x.shape[0]
        qkv = F.linear(x, layer["qkv"])
        q = qkv[:, : heads * d].view(t, heads, d).transpose(0, 1)
        k = qkv[:, heads * d: (heads + kv_heads) * d].view(t, kv_heads, d).transpose(0, 1)
        v = qkv[:, (heads + kv_heads) * d:].view(t, kv_heads, d).transpose(0, 1)
        q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        keys, values = cache[index]
        keys[:, start: start + t] = k
        values[:, start: start + t] = v
        keys, values = keys[:, first: start + t], values[:, first: start + t]
        group = heads // kv_heads
        scores = q.reshape(kv_heads, group * t, d) @ keys.transpose(1, 2) * self.scale
        cap = c["attn_logit_softcapping"]
        scores = (torch.tanh(scores / cap) * cap).view(kv_heads, group, t, -1)
        if mask is not None:
            scores = scores + mask
        probabilities = scores.softmax(-1, dtype=torch.float32).to(q.dtype)
        out = probabilities.view(kv_heads, group * t, -1) @ values
        return F.linear(out.view(heads, t, d).transpose(0, 1).reshape(t, heads * d), layer["o"])


def rotate(x, cos, sin):
    half = x.shape[-1] // 2
    return x * cos + torch.cat([-x[..., half:], x[..., :half]], -1) * sin


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--shape", default=None, help="the name to report (default: the folder name)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--block", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    dtype = getattr(torch, args.dtype)
    rng = random.Random(1234)
    with torch.inference_mode():
        model = Gemma2(args.model, dtype)
        vocab = model.c["vocab_size"]
        ids_of = lambda n: torch.tensor([rng.randrange(3, vocab) for _ in range(n)], dtype=torch.int64)
        cache = model.new_cache(1024)

        def step(ids, position):
            logits = model.forward(ids, cache, position)
            return int(logits[-1].argmax().item())

        steps = []
        for block in (1, args.block):
            for position in (16, 512):
                model.forward(ids_of(position), cache, 0)
                ids = ids_of(block)
                step(ids, position)
                step(ids, position)
                times = []
                for _ in range(args.repeats):
                    begin = time.perf_counter()
                    step(ids, position)
                    times.append((time.perf_counter() - begin) * 1000)
                steps.append(dict(block=block, position=position, min_ms=round(min(times), 3), median_ms=round(statistics.median(times), 3)))
                print(f"block {block} at position {position}: min {min(times):.3f} ms, median {statistics.median(times):.3f} ms", file=sys.stderr)
        model.forward(ids_of(16), cache, 0)
        ids = ids_of(1)
        with torch.autograd.profiler.profile() as profile:
            step(ids, 16)
        ops = len(profile.function_events)
        top_level = sum(1 for e in profile.function_events if e.cpu_parent is None)
    result = dict(shape=args.shape or args.model.rstrip("/").split("/")[-1], runtime="pytorch-eager", dtype=args.dtype,
                  threads=torch.get_num_threads(), steps=steps, ops_per_step=ops, top_level_ops_per_step=top_level,
                  torch=torch.__version__, blas=blas_name())
    if args.json:
        print(json.dumps(result))
    else:
        print(json.dumps(result, indent=1))


def blas_name():
    """The library that provides sgemm_ to this process (Debian's torch calls the libblas.so.3 the loader finds first)."""
    import ctypes

    class DlInfo(ctypes.Structure):
        _fields_ = [("fname", ctypes.c_char_p), ("fbase", ctypes.c_void_p), ("sname", ctypes.c_char_p), ("saddr", ctypes.c_void_p)]

    try:
        process = ctypes.CDLL(None)
        address = ctypes.cast(process.sgemm_, ctypes.c_void_p)
        info = DlInfo()
        libdl = ctypes.CDLL("libc.so.6")
        if libdl.dladdr(address, ctypes.byref(info)):
            return info.fname.decode()
    except (OSError, AttributeError):
        pass
    with open("/proc/self/maps") as maps:
        names = {line.split()[-1] for line in maps if "blas" in line or "blis" in line}
    return " + ".join(sorted(names)) or "unknown"


if __name__ == "__main__":
    main()
