

with open(os.path.join(GRAPH_DIR, "sampling_spec.pbtxt")) as spec_file:
    SAMPLING_SPEC = text_format.Parse(spec_file.read(), tfgnn.sampler.SamplingSpec())


def whole_graph(node_sets, edge_sets):
    """The whole graph; the classified nodes keep their labels (the task reads the root's) but
    not their split."""
    features = dict(node_sets[NODE_SET].features)
    features.pop(SPLIT)
    classified = tfgnn.NodeSet.from_fields(sizes=node_sets[NODE_SET].sizes, features=features)
    return tfgnn.GraphTensor.from_pieces(node_sets={**node_sets, NODE_SET: classified}, edge_sets=edge_sets)


class SampledSubgraphs(runner.DatasetProvider):
    """A subgraph sampled around each root, as SAMPLING_SPEC says, by TF-GNN's in-memory
    sampler (its Beam sampler draws the same subgraphs from the unigraph tables at scale)."""

    def __init__(self, graph, roots, shuffle):
        self._roots, self._shuffle = roots, shuffle
        self._model = sampler.create_sampling_model_from_spec(
            SCHEMA,
            SAMPLING_SPEC,
            lambda op: sampler.InMemUniformEdgesSampler.from_graph_tensor(
                graph, op.edge_set_name, sample_size=op.sample_size, seed=SEED
            ),
            lambda node_set_name: sampler.InMemIndexToFeaturesAccessor.from_graph_tensor(graph, node_set_name),
            seed_node_dtype=tf.int32,  # the graph's own index type
        )

    def get_dataset(self, context):
        roots = tf.data.Dataset.from_tensor_slices(self._roots)
        if self._shuffle:
            roots = roots.shuffle(len(self._roots), seed=SEED, reshuffle_each_iteration=True).repeat()
        seeds = roots.batch(BATCH_SIZE).map(lambda r: tf.RaggedTensor.from_tensor(r[:, None]))
        return seeds.map(self._model).unbatch()


def main():
    args = arguments()
    tf.keras.utils.set_random_seed(SEED)
    node_sets, edge_sets = load_graph()
    splits = node_sets[NODE_SET].features[SPLIT]
    roots = {s: tf.cast(tf.where(splits == s.encode())[:, 0], tf.int32).numpy() for s in ("train", "val", "test")}
    graph = whole_graph(node_sets, edge_sets)
    train = SampledSubgraphs(graph, roots["train"], shuffle=True)
    task = runner.RootNodeMulticlassClassification(
        NODE_SET, num_classes=NUM_CLASSES, label_fn=runner.RootNodeLabelFn(NODE_SET, feature_name=LABEL)
    )
    tasks = {"classification": task, **EXTRA_TASKS}
    gtspec = next(iter(train.get_dataset(None))).spec.relax(num_nodes=True, num_edges=True)
    result = runner.run(
        train_ds_provider=train,
        valid_ds_provider=SampledSubgraphs(graph, roots["val"], shuffle=False),
        model_fn=model_fn,
        optimizer_fn=lambda: tf.keras.optimizers.Adam(LEARNING_RATE),
        trainer=trainer(args, args.steps or -(-len(roots["train"]) // BATCH_SIZE), -(-len(roots["val"]) // BATCH_SIZE)),
        task=tasks if len(tasks) > 1 else task,
        loss_weights=LOSS_WEIGHTS,
        gtspec=gtspec,
        global_batch_size=BATCH_SIZE,
        epochs=1 if args.steps else args.epochs,
    )
    test = SampledSubgraphs(graph, roots["test"], shuffle=False).get_dataset(None)
    print("test accuracy:", test_accuracy(result, serialize(test, BATCH_SIZE)))
