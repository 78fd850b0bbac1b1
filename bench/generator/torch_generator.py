#!/usr/bin/env python3
"""Bench only: PyTorch eager on the CPU (or, with --device cuda, a GPU), the reference a user would otherwise pick.

The official ResnetGenerator (UGATIT-pytorch networks.py) as shared/docs/UGATIT-REFERENCE.md describes it,
with PyTorch's default initialisation (speed does not depend on the values). Times forwards under
torch.inference_mode() with --threads intra-op threads until --budget-ms is spent, after one warm-up,
and prints one JSON line: runs, msPerImage (median forward / batch), peakRssMb, params, torch.
"""
import argparse
import json
import resource
import time

import torch
from torch import nn
from torch.nn import functional as F


def moments(x, dims):
    # torch.var is unbiased, as the official adaILN / ILN use it
    return torch.mean(x, dim=dims, keepdim=True), torch.var(x, dim=dims, keepdim=True)


class AdaILN(nn.Module):
    def __init__(self, c, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.rho = nn.Parameter(torch.full((1, c, 1, 1), 0.9))

    def forward(self, x, gamma, beta):
        in_mean, in_var = moments(x, [2, 3])
        ln_mean, ln_var = moments(x, [1, 2, 3])
        out_in = (x - in_mean) / torch.sqrt(in_var + self.eps)
        out_ln = (x - ln_mean) / torch.sqrt(ln_var + self.eps)
        out = self.rho * out_in + (1 - self.rho) * out_ln
        return out * gamma.unsqueeze(2).unsqueeze(3) + beta.unsqueeze(2).unsqueeze(3)


class ILN(nn.Module):
    def __init__(self, c, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.rho = nn.Parameter(torch.zeros(1, c, 1, 1))
        self.gamma = nn.Parameter(torch.ones(1, c, 1, 1))
        self.beta = nn.Parameter(torch.zeros(1, c, 1, 1))

    def forward(self, x):
        in_mean, in_var = moments(x, [2, 3])
        ln_mean, ln_var = moments(x, [1, 2, 3])
        out_in = (x - in_mean) / torch.sqrt(in_var + self.eps)
        out_ln = (x - ln_mean) / torch.sqrt(ln_var + self.eps)
        out = self.rho * out_in + (1 - self.rho) * out_ln
        return out * self.gamma + self.beta


def refl_conv(cin, cout, k, pad, stride=1):
    return [nn.ReflectionPad2d(pad), nn.Conv2d(cin, cout, k, stride=stride, padding=0, bias=False)]


class ResnetBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv_block = nn.Sequential(
            *refl_conv(c, c, 3, 1), nn.InstanceNorm2d(c), nn.ReLU(True), *refl_conv(c, c, 3, 1), nn.InstanceNorm2d(c)
        )

    def forward(self, x):
        return x + self.conv_block(x)


class ResnetAdaILNBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.pad1, self.conv1 = refl_conv(c, c, 3, 1)
        self.norm1 = AdaILN(c)
        self.pad2, self.conv2 = refl_conv(c, c, 3, 1)
        self.norm2 = AdaILN(c)

    def forward(self, x, gamma, beta):
        out = F.relu(self.norm1(self.conv1(self.pad1(x)), gamma, beta))
        return x + self.norm2(self.conv2(self.pad2(out)), gamma, beta)


class ResnetGenerator(nn.Module):
    def __init__(self, ngf=64, n_blocks=4, img_size=256, light=False):
        super().__init__()
        c = 4 * ngf
        self.light = light
        down = [*refl_conv(3, ngf, 7, 3), nn.InstanceNorm2d(ngf), nn.ReLU(True)]
        for mult in (1, 2):
            down += [*refl_conv(ngf * mult, ngf * mult * 2, 3, 1, stride=2), nn.InstanceNorm2d(ngf * mult * 2), nn.ReLU(True)]
        down += [ResnetBlock(c) for _ in range(n_blocks)]
        self.DownBlock = nn.Sequential(*down)
        self.gap_fc = nn.Linear(c, 1, bias=False)
        self.gmp_fc = nn.Linear(c, 1, bias=False)
        self.conv1x1 = nn.Conv2d(2 * c, c, 1, bias=True)
        fc_in = c if light else (img_size // 4) ** 2 * c
        self.FC = nn.Sequential(nn.Linear(fc_in, c, bias=False), nn.ReLU(True), nn.Linear(c, c, bias=False), nn.ReLU(True))
        self.gamma = nn.Linear(c, c, bias=False)
        self.beta = nn.Linear(c, c, bias=False)
        self.up_blocks = nn.ModuleList(ResnetAdaILNBlock(c) for _ in range(n_blocks))
        up = []
        for mult in (4, 2):
            up += [nn.Upsample(scale_factor=2, mode="nearest"), *refl_conv(ngf * mult, ngf * mult // 2, 3, 1), ILN(ngf * mult // 2), nn.ReLU(True)]
        up += [*refl_conv(ngf, 3, 7, 3), nn.Tanh()]
        self.UpBlock2 = nn.Sequential(*up)

    def forward(self, x):
        x = self.DownBlock(x)
        gap_logit = self.gap_fc(F.adaptive_avg_pool2d(x, 1).flatten(1))
        gmp_logit = self.gmp_fc(F.adaptive_max_pool2d(x, 1).flatten(1))
        gap = x * self.gap_fc.weight.unsqueeze(2).unsqueeze(3)
        gmp = x * self.gmp_fc.weight.unsqueeze(2).unsqueeze(3)
        cam_logit = torch.cat([gap_logit, gmp_logit], 1)
        x = F.relu(self.conv1x1(torch.cat([gap, gmp], 1)))
        heatmap = torch.sum(x, dim=1, keepdim=True)
        x_ = F.adaptive_avg_pool2d(x, 1).flatten(1) if self.light else x.flatten(1)
        x_ = self.FC(x_)
        gamma, beta = self.gamma(x_), self.beta(x_)
        for block in self.up_blocks:
            x = block(x, gamma, beta)
        return self.UpBlock2(x), cam_logit, heatmap


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=["light", "full"], required=True)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--budget-ms", type=float, default=15000)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--half", action="store_true", help="float16 weights and inputs (cuda only)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    dtype = torch.float16 if args.half else torch.float32
    model = ResnetGenerator(64, 4, args.size, args.model == "light").eval().to(args.device, dtype)
    x = (torch.rand(args.batch, 3, args.size, args.size) * 2 - 1).to(args.device, dtype)
    # a GPU runs asynchronously: a forward is timed once its kernels have finished
    sync = torch.cuda.synchronize if args.device == "cuda" else (lambda: None)
    times = []
    with torch.inference_mode():
        model(x)  # warm-up
        sync()
        start = time.perf_counter()
        while not times or (time.perf_counter() - start) * 1000 < args.budget_ms:
            t = time.perf_counter()
            model(x)
            sync()
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(
        json.dumps(
            {
                "runs": len(times),
                "msPerImage": times[len(times) // 2] / args.batch,
                "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "params": sum(p.numel() for p in model.parameters()),
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "device": torch.cuda.get_device_name() if args.device == "cuda" else "cpu",
            }
        )
    )


if __name__ == "__main__":
    main()
