

GRAPH_SPEC = tfgnn.create_graph_spec_from_schema_pb(SCHEMA)


def graphs_path(split):
    """The TFRecord file of `split`'s serialized GraphTensors (one small graph each, its class in
    the context)."""
    return os.path.join(GRAPH_DIR, "graphs-%s.tfrecords" % split)


def graphs(split):
    return runner.TFRecordDatasetProvider(file_pattern=graphs_path(split))


def count(split):
    return sum(1 for _ in tf.data.TFRecordDataset(graphs_path(split)))


def main():
    args = arguments()
    tf.keras.utils.set_random_seed(SEED)
    task = runner.GraphMulticlassClassification(
        NODE_SET, num_classes=NUM_CLASSES, reduce_type=READOUT, label_fn=runner.ContextLabelFn(LABEL)
    )
    steps = args.steps or -(-count("train") // BATCH_SIZE)
    result = runner.run(
        train_ds_provider=graphs("train"),
        valid_ds_provider=graphs("val"),
        model_fn=model_fn,
        optimizer_fn=lambda: tf.keras.optimizers.Adam(LEARNING_RATE),
        trainer=trainer(args, steps, -(-count("val") // BATCH_SIZE)),
        task=task,
        gtspec=GRAPH_SPEC,
        global_batch_size=BATCH_SIZE,
        epochs=1 if args.steps else args.epochs,
    )
    test = tf.data.TFRecordDataset(graphs_path("test")).batch(BATCH_SIZE)
    print("test accuracy:", test_accuracy(result, test))
