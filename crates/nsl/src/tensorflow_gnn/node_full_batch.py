

def with_readout(node_sets, edge_sets, split):
    """The whole graph with TF-GNN's readout structure on the NODE_SET nodes of `split`: a
    NODE_READOUT node set holding their labels, joined to them by the edge set
    NODE_READOUT/seed.
    The classified nodes' own labels and split are left out, so the model cannot read them."""
    features = dict(node_sets[NODE_SET].features)
    labels, splits = features.pop(LABEL), features.pop(SPLIT)
    chosen = tf.cast(tf.where(splits == split)[:, 0], tf.int32)
    size = tf.shape(chosen)
    readout = tfgnn.NodeSet.from_fields(sizes=size, features={LABEL: tf.gather(labels, chosen)})
    seed = tfgnn.EdgeSet.from_fields(
        sizes=size,
        adjacency=tfgnn.Adjacency.from_indices((NODE_SET, chosen), (NODE_READOUT, tf.range(size[0]))),
    )
    classified = tfgnn.NodeSet.from_fields(sizes=node_sets[NODE_SET].sizes, features=features)
    return tfgnn.GraphTensor.from_pieces(
        node_sets={**node_sets, NODE_SET: classified, NODE_READOUT: readout},
        edge_sets={**edge_sets, NODE_READOUT + "/seed": seed},
    )


def node_labels(graph):
    """The classified nodes' labels, read out of NODE_READOUT (TF-GNN 1.0.3 reads a
    `label_feature_name` out of `_readout` only, which link prediction takes for its pairs)."""
    return graph, tfgnn.keras.layers.Readout(feature_name=LABEL, node_set_name=NODE_READOUT)(graph)


class WholeGraph(runner.DatasetProvider):
    """The same whole graph at every step: full-batch training."""

    def __init__(self, graph):
        self._graph = graph

    def get_dataset(self, context):
        return tf.data.Dataset.from_tensors(self._graph).repeat()


def main():
    args = arguments()
    tf.keras.utils.set_random_seed(SEED)
    node_sets, edge_sets = load_graph()
    train, val, test = (with_readout(node_sets, edge_sets, s) for s in (b"train", b"val", b"test"))
    train_provider = WholeGraph(train)
    if LINK_EDGE_SET:
        train_provider, val, test = link_split(node_sets, (train, val, test))
    classification = runner.NodeMulticlassClassification(
        num_classes=NUM_CLASSES, label_fn=node_labels, readout_node_set=NODE_READOUT
    )
    tasks = {"classification": classification, **EXTRA_TASKS}
    epochs, steps = (1, args.steps) if args.steps else (args.epochs, 1)
    result = runner.run(
        train_ds_provider=train_provider,
        valid_ds_provider=WholeGraph(val),
        model_fn=model_fn,
        optimizer_fn=lambda: tf.keras.optimizers.Adam(LEARNING_RATE),
        trainer=trainer(args, steps, 1),
        task=tasks if len(tasks) > 1 else classification,
        loss_weights=LOSS_WEIGHTS,
        gtspec=val.spec.relax(num_nodes=True, num_edges=True),
        global_batch_size=1,
        epochs=epochs,
    )
    print("test accuracy:", test_accuracy(result, serialize([test], 1)))
    if LINK_EDGE_SET:
        print("test link AUC:", test_link_auc(result, test))
