

def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS, help="passes over the training data")
    parser.add_argument("--steps", type=int, default=0, help="only this many training steps (a quick check)")
    parser.add_argument("--model-dir", default="", help="where the runner keeps checkpoints (default: a new temp dir)")
    return parser.parse_args()


def trainer(args, steps_per_epoch, validation_steps):
    """Keras' fit under the default strategy (swap in a TPU or parameter-server strategy to
    scale). It checkpoints every epoch and restores the weights of the best validation loss."""
    return runner.KerasTrainer(
        strategy=tf.distribute.get_strategy(),
        model_dir=args.model_dir or tempfile.mkdtemp(prefix=NAME + "-"),
        steps_per_epoch=steps_per_epoch,
        validation_steps=validation_steps,
        restore_best_weights=True,
        verbose=2,
    )


def serialize(graphs, batch_size):
    """Batches of serialized GraphTensors, as the runner's preprocess_model reads them."""
    batch = []
    for graph in graphs:
        batch.append(tfgnn.write_example(graph).SerializeToString())
        if len(batch) == batch_size:
            yield tf.constant(batch)
            batch = []
    if batch:
        yield tf.constant(batch)


def test_accuracy(result, batches):
    """Accuracy of the trained model on `batches` of serialized GraphTensors, which pass the
    runner's own parsing and preprocessing (labels read as the task reads them)."""
    correct = total = 0
    for serialized in batches:
        xs, labels = result.preprocess_model(serialized)
        logits = result.trained_model(xs)
        if isinstance(logits, dict):  # several tasks: the classification's head
            logits, labels = logits["classification"], labels["classification"]
        labels = tf.reshape(labels, [-1])
        predicted = tf.argmax(logits, axis=-1, output_type=labels.dtype)
        correct += int(tf.reduce_sum(tf.cast(predicted == labels, tf.int32)))
        total += int(tf.size(labels))
    return correct / max(total, 1)
