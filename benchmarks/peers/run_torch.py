"""PyTorch runner: the lecture's model in two loop forms (a DataLoader, or pre-loaded tensors).

Run by benchmarks/lecture_workload.py in its own process; prints one JSON line.
Same model and settings as Keras: Flatten -> Linear(784, 128) -> ReLU -> Linear(128, 10),
glorot-uniform weights and zero biases (Keras's defaults), Adam(lr=1e-3, eps=1e-7), batch 32,
shuffled every epoch. Training loss and accuracy are accumulated per batch (as Keras reports
them) the way PyTorch's own tutorial does: `loss.item()` and `(pred.argmax(1) == y).sum().item()`.
Adam is PyTorch's default implementation (a loop over the parameters on a CPU) unless
`--adam fused` asks for `Adam(fused=True)`, its single-kernel update: the fastest PyTorch form,
run as the extra row "torch-preloaded-fused".
"""

from __future__ import annotations

import time

import _common


def body(args):
    try:
        import torch
        from torch import nn
        from torch.utils.data import DataLoader, TensorDataset
    except ImportError as exc:
        raise _common.Skip(f"torch is not installed ({exc})") from exc

    if args.threads:  # 0: PyTorch's own default (one thread per core)
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    (x_np, y_np), (xt_np, yt_np) = _common.load_fashion_mnist(args.data_dir)
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)  # (60000, 28, 28) float32, int64
    x_test, y_test = torch.from_numpy(xt_np), torch.from_numpy(yt_np)
    n = x.shape[0]

    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    for layer in (model[1], model[3]):
        nn.init.xavier_uniform_(layer.weight)
        nn.init.zeros_(layer.bias)
    fused = {"fused": True} if args.adam == "fused" else {}
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7, **fused)
    loss_fn = nn.CrossEntropyLoss()

    if args.form == "dataloader":
        loader = DataLoader(TensorDataset(x, y), batch_size=args.batch_size, shuffle=True)

        def batches():
            yield from loader

    else:

        def batches():
            perm = torch.randperm(n)
            for i in range(0, n, args.batch_size):
                idx = perm[i : i + args.batch_size]
                yield x[idx], y[idx]

    epoch_seconds, losses, accuracies = [], [], []
    model.train()
    train_start = time.perf_counter()
    for epoch in range(args.epochs):
        start = time.perf_counter()
        loss_sum, correct = 0.0, 0
        for xb, yb in batches():
            logits = model(xb)  # (B, 10)
            loss = loss_fn(logits, yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * yb.shape[0]
            correct += (logits.argmax(1) == yb).sum().item()
        epoch_loss, epoch_acc = loss_sum / n, correct / n
        epoch_seconds.append(time.perf_counter() - start)
        losses.append(epoch_loss)
        accuracies.append(epoch_acc)
        name = f"torch-{args.form} ({args.adam} Adam)"
        _common.log_epoch(name, epoch, epoch_seconds[-1], epoch_loss, epoch_acc)
    train_seconds = time.perf_counter() - train_start

    model.eval()

    def predict():
        with torch.inference_mode():
            return torch.cat(
                [
                    model(x_test[i : i + args.predict_batch])
                    for i in range(0, len(x_test), args.predict_batch)
                ]
            )

    logits = predict()
    test_loss = float(loss_fn(logits, y_test))
    test_accuracy = float((logits.argmax(1) == y_test).double().mean())
    return {
        "epoch_seconds": epoch_seconds,
        "loss": losses,
        "accuracy": accuracies,
        "train_seconds": train_seconds,
        "test_loss": test_loss,
        "test_accuracy": test_accuracy,
        "predict_seconds": _common.time_repeated(predict, args.predict_runs),
        "versions": {"torch": torch.__version__},
        "notes": f"Adam: {'fused=True' if fused else 'default (for-loop) implementation'}",
        "framework_threads": {"torch.get_num_threads": torch.get_num_threads()},
    }


if __name__ == "__main__":
    p = _common.parser(__doc__.splitlines()[0])
    p.add_argument("--form", choices=["dataloader", "preloaded"], required=True)
    p.add_argument("--adam", choices=["default", "fused"], default="default")
    a = p.parse_args()
    _common.run_child(f"torch-{a.form}" + ("-fused" if a.adam == "fused" else ""), body, a)
