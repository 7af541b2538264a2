

def read_links():
    """LINKS_FILE as tensors: each row a pair of node rows of the link edge set's source and
    target node sets, its label (1: a link, 0: a non-edge) and its split."""
    spec = {
        "source": tf.io.FixedLenFeature([], tf.int64),
        "target": tf.io.FixedLenFeature([], tf.int64),
        "label": tf.io.FixedLenFeature([], tf.float32),
        "split": tf.io.FixedLenFeature([], tf.string),
    }
    records = tf.data.TFRecordDataset(os.path.join(GRAPH_DIR, LINKS_FILE))
    return tf.io.parse_example(next(iter(records.batch(1 << 30))), spec)


def link_ends():
    """The node sets at the source and the target end of the link edge set."""
    adjacency = SCHEMA.edge_sets[LINK_EDGE_SET]
    return adjacency.source, adjacency.target


def with_link_readout(graph, source, target, label):
    """`graph` with TF-GNN's link readout: a `_readout` node set of one item per pair holding
    its label, and edge sets `_readout/source` and `_readout/target` from the pair's two ends."""
    size = tf.shape(label)
    items = tf.range(size[0])
    ends = link_ends()

    def join(node_set, nodes):
        adjacency = tfgnn.Adjacency.from_indices((node_set, tf.cast(nodes, tf.int32)), ("_readout", items))
        return tfgnn.EdgeSet.from_fields(sizes=size, adjacency=adjacency)

    readout = tfgnn.NodeSet.from_fields(sizes=size, features={"label": label})
    return tfgnn.GraphTensor.from_pieces(
        context=graph.context,
        node_sets={**graph.node_sets, "_readout": readout},
        edge_sets={**graph.edge_sets, "_readout/source": join(ends[0], source), "_readout/target": join(ends[1], target)},
    )


def non_edges(links, sizes, count, seed):
    """About `count` uniform pairs that are neither links nor self loops (drawn twice over,
    then filtered), as `nsl train` draws fresh ones at every step; `sizes` are the numbers of
    nodes at the two ends."""
    ends = link_ends()
    draws = 2 * count
    source = tf.random.stateless_uniform([draws], seed, 0, sizes[0], tf.int64)
    target = tf.random.stateless_uniform([draws], seed + 1, 0, sizes[1], tf.int64)
    keep = links.lookup(source * sizes[1] + target) == 0
    if ends[0] == ends[1]:
        keep &= source != target
    return tf.boolean_mask(source, keep)[:count], tf.boolean_mask(target, keep)[:count]


class WholeGraphWithLinks(runner.DatasetProvider):
    """The whole graph at every step, its link readout holding the training links and fresh
    non-edges."""

    def __init__(self, graph, positives, links, sizes):
        self._graph, self._positives, self._links, self._sizes = graph, positives, links, sizes

    def get_dataset(self, context):
        source, target = self._positives
        count = tf.size(source)

        def step(index):
            seed = tf.stack([tf.constant(SEED, tf.int64), index])
            negative = non_edges(self._links, self._sizes, count, seed)
            label = tf.concat([tf.ones([count]), tf.zeros(tf.shape(negative[0]))], 0)
            pairs = tf.concat([source, negative[0]], 0), tf.concat([target, negative[1]], 0)
            return with_link_readout(self._graph, *pairs, label)

        return tf.data.Dataset.counter().map(step)


def link_split(node_sets, node_graphs):
    """The train, validation and test graphs with their link readouts. Validation reads the
    training links against one fixed draw of non-edges (no links are held out for it: `nsl
    train` keeps the model of the best validation accuracy); test reads the held-out links and
    their non-edges."""
    table = read_links()
    sizes = [tf.cast(tf.reduce_sum(node_sets[end].sizes), tf.int64) for end in link_ends()]
    keys = table["source"] * sizes[1] + table["target"]
    is_link = table["label"] > 0.5
    link_keys = tf.boolean_mask(keys, is_link)
    links = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(link_keys, tf.ones_like(link_keys)), 0)
    train_rows = table["split"] == b"train"
    positives = tf.boolean_mask(table["source"], train_rows), tf.boolean_mask(table["target"], train_rows)
    train, val, test = node_graphs
    count = tf.size(positives[0])
    fixed = non_edges(links, sizes, count, tf.constant([SEED, -1], tf.int64))
    val_label = tf.concat([tf.ones([count]), tf.zeros(tf.shape(fixed[0]))], 0)
    val = with_link_readout(
        val, tf.concat([positives[0], fixed[0]], 0), tf.concat([positives[1], fixed[1]], 0), val_label
    )
    test_rows = table["split"] == b"test"
    test = with_link_readout(
        test,
        tf.boolean_mask(table["source"], test_rows),
        tf.boolean_mask(table["target"], test_rows),
        tf.boolean_mask(table["label"], test_rows),
    )
    return WholeGraphWithLinks(train, positives, links, sizes), val, test


def roc_auc(scores, labels):
    """ROC AUC of the scores of links (label 1) against non-edges (label 0), ties counting half."""
    order = sorted(zip(scores, labels))
    rank_sum, i = 0.0, 0
    while i < len(order):
        j = i
        while j < len(order) and order[j][0] == order[i][0]:
            j += 1
        rank_sum += (i + 1 + j) / 2 * sum(1 for _, label in order[i:j] if label > 0.5)
        i = j
    positives = sum(1 for label in labels if label > 0.5)
    negatives = len(labels) - positives
    return (rank_sum - positives * (positives + 1) / 2) / max(positives * negatives, 1)


def test_link_auc(result, test):
    """The trained model's AUC on the test graph's held-out links against its non-edges."""
    xs, labels = result.preprocess_model(next(serialize([test], 1)))
    scores = tf.reshape(result.trained_model(xs)["links"], [-1]).numpy()
    return roc_auc(list(scores), list(tf.reshape(labels["links"], [-1]).numpy()))
