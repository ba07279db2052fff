#!/usr/bin/python3
"""Generates the PyTorch parity fixtures in tests/model/fixtures/.

Run once with Debian's python3-torch (not needed at test time):
    /usr/bin/python3 tests/model/make_parity_fixtures.py

For each shape it writes
  <name>.weights.json  the state_dict of nn.LSTM (as `lstm`) + nn.Linear (as
                       `head`), flat: name -> list (1-D) or list of rows (2-D)
  <name>.io.json       random inputs, PyTorch's head output per step, and the
                       final (h_n, c_n). The sequence is run in two calls with
                       (h, c) carried from the first into the second, which is
                       how tickcast streams.
and for training (bptt_*):
  <name>.weights.json  the starting weights, as above
  <name>.train.json    a mini-batch (inputs B x L x F, targets B x L x O), the
                       loss over steps >= skip_steps and autograd's gradient
                       of every parameter (in float64), then the weights after
                       3 steps of global-norm clipping + torch.optim.AdamW on
                       that batch (in float32).
Values are float32 written in numpy's shortest float32 repr, so they parse
back to the identical float32.
"""
import json
import os

import numpy
import torch

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")

# (name, input_size, hidden, layers, output_size, steps)
SHAPES = [
    ("lstm_i1_h1_l1", 1, 1, 1, 1, 25),
    ("lstm_i3_h5_l1", 3, 5, 1, 1, 30),
    ("lstm_i8_h32_l1", 8, 32, 1, 1, 40),
    ("lstm_i4_h16_l2", 4, 16, 2, 1, 30),
    ("lstm_i8_h64_l2", 8, 64, 2, 2, 40),
    # The sizes the vectorised step specialises (hidden 128) and one it runs
    # with sizes taken at run time (hidden 48, three layers).
    ("lstm_i8_h128_l1", 8, 128, 1, 1, 40),
    ("lstm_i8_h48_l3", 8, 48, 3, 1, 30),
]


class Net(torch.nn.Module):
    def __init__(self, input_size, hidden, layers, output_size):
        super().__init__()
        self.lstm = torch.nn.LSTM(input_size, hidden, layers, batch_first=True)
        self.head = torch.nn.Linear(hidden, output_size)

    def forward(self, x, state=None):
        out, state = self.lstm(x, state)
        return self.head(out), state


class F32(float):
    """A float that json writes as the shortest text naming its float32."""

    def __repr__(self):
        return str(numpy.float32(self))


class F32Encoder(json.JSONEncoder):
    def iterencode(self, o, _one_shot=False):
        # The C encoder ignores __repr__ on float subclasses; force the Python one.
        return json.encoder._make_iterencode(
            {}, self.default, json.encoder.encode_basestring, self.indent,
            lambda v: repr(v) if isinstance(v, F32) else float.__repr__(v),
            self.key_separator, self.item_separator, self.sort_keys, self.skipkeys,
            _one_shot)(o, 0)


def as_list(t):
    t = t.detach().numpy().astype(numpy.float32)
    if t.ndim == 1:
        return [F32(v) for v in t.tolist()]
    return [[F32(v) for v in row] for row in t.tolist()]


def main():
    os.makedirs(HERE, exist_ok=True)
    for seed, (name, n_in, hidden, layers, n_out, steps) in enumerate(SHAPES):
        torch.manual_seed(1000 + seed)
        net = Net(n_in, hidden, layers, n_out).float()
        with torch.no_grad():
            # Wider than PyTorch's default init so that gates saturate and
            # mistakes in any gate show up.
            for p in net.parameters():
                p.mul_(2.0)
        x = torch.randn(1, steps, n_in)
        split = steps // 2
        with torch.no_grad():
            y1, state = net(x[:, :split])
            y2, (h_n, c_n) = net(x[:, split:], state)
        y = torch.cat([y1, y2], dim=1)[0]
        weights = {k: as_list(v) for k, v in net.state_dict().items()}
        io = {
            "torch_version": torch.__version__,
            "input_size": n_in, "hidden": hidden, "layers": layers, "output_size": n_out,
            "split": split,
            "inputs": as_list(x[0]),
            "outputs": as_list(y),
            "h_n": as_list(h_n[:, 0, :]),
            "c_n": as_list(c_n[:, 0, :]),
        }
        with open(os.path.join(HERE, name + ".weights.json"), "w") as f:
            json.dump(weights, f, cls=F32Encoder)
            f.write("\n")
        with open(os.path.join(HERE, name + ".io.json"), "w") as f:
            json.dump(io, f, cls=F32Encoder)
            f.write("\n")
        print(name, "written")


# (name, input_size, hidden, layers, output_size, steps, batch, skip, loss)
TRAIN_SHAPES = [
    ("bptt_i3_h4_l1_mse", 3, 4, 1, 1, 20, 3, 4, "mse"),
    ("bptt_i2_h5_l2_mse", 2, 5, 2, 2, 24, 2, 6, "mse"),
    ("bptt_i3_h4_l2_huber", 3, 4, 2, 1, 20, 3, 4, "huber"),
    # Sizes where every product of float training takes the AVX2 kernel
    # (rows in multiples of 8: 4H, H and the 8 inputs).
    ("bptt_i8_h16_l2_mse", 8, 16, 2, 1, 24, 4, 6, "mse"),
]


def loss_of(kind, y, target):
    if kind == "mse":
        return torch.nn.functional.mse_loss(y, target)
    return torch.nn.functional.huber_loss(y, target, delta=1.0)


def make_training_fixtures():
    for seed, (name, n_in, hidden, layers, n_out, steps, batch, skip, kind) in enumerate(
            TRAIN_SHAPES):
        torch.manual_seed(2000 + seed)
        net = Net(n_in, hidden, layers, n_out).float()
        with torch.no_grad():
            for p in net.parameters():
                p.mul_(2.0)
        x = torch.randn(batch, steps, n_in)
        target = torch.randn(batch, steps, n_out) * 1.5
        weights = {k: as_list(v) for k, v in net.state_dict().items()}

        # Gradient in float64, from the same (float32-representable) values.
        net64 = Net(n_in, hidden, layers, n_out).double()
        net64.load_state_dict({k: v.double() for k, v in net.state_dict().items()})
        y, _ = net64(x.double())
        loss = loss_of(kind, y[:, skip:], target.double()[:, skip:])
        loss.backward()
        grads = {k: [float(v) for v in p.grad.reshape(-1).tolist()] if p.grad.dim() == 1 else
                 [[float(v) for v in row] for row in p.grad.tolist()]
                 for k, p in net64.named_parameters()}

        # Three AdamW steps with clipping, in float32.
        lr, wd, clip = 0.01, 0.1, 0.5
        opt = torch.optim.AdamW(net.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8,
                                weight_decay=wd)
        for _ in range(3):
            opt.zero_grad()
            y32, _ = net(x)
            loss_of(kind, y32[:, skip:], target[:, skip:]).backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), clip)
            opt.step()
        after = {k: as_list(v) for k, v in net.state_dict().items()}

        train = {
            "torch_version": torch.__version__, "loss_kind": kind, "skip_steps": skip,
            "inputs": [as_list(x[b]) for b in range(batch)],
            "targets": [as_list(target[b]) for b in range(batch)],
            "loss": float(loss), "gradients": grads,
            "adam": {"learning_rate": lr, "weight_decay": wd, "clip_norm": clip, "steps": 3,
                     "weights_after": after},
        }
        with open(os.path.join(HERE, name + ".weights.json"), "w") as f:
            json.dump(weights, f, cls=F32Encoder)
            f.write("\n")
        with open(os.path.join(HERE, name + ".train.json"), "w") as f:
            json.dump(train, f, cls=F32Encoder)
            f.write("\n")
        print(name, "written")


if __name__ == "__main__":
    main()
    make_training_fixtures()
