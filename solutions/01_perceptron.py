"""Reference solutions for the exercises of notebook 01 (the perceptron, lecture §3).

Each function is what a student writes in the exercise cell of the same name (X, w and x
are numpy arrays). See README.md in this folder for how to use them.
"""


def perceptron_output(w, b, X):
    """ŷ = step(w x + b) for every row x of X (Eq. 1): 1 where w x + b >= 0, else 0."""
    z = X @ w + b
    return (z >= 0).astype(int)


def perceptron_update(w, b, x, y, lr):
    """One step of the learning rule on the sample (x, y); returns the new (w, b)."""
    y_hat = 1 if x @ w + b >= 0 else 0
    error = y - y_hat  # +1, -1 or 0
    return w + lr * error * x, b + lr * error


def perceptron_epoch(w, b, X, y, lr):
    """One pass of the learning rule over the rows of X in order; returns (w, b, mistakes)."""
    mistakes = 0
    for x_i, y_i in zip(X, y):
        y_hat = 1 if x_i @ w + b >= 0 else 0
        error = y_i - y_hat
        if error != 0:
            w = w + lr * error * x_i
            b = b + lr * error
            mistakes += 1
    return w, b, mistakes
