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


if __name__ == "__main__":
    main()
