

def read_table(piece, id_keys):
    """One unigraph table (a TFRecord file of tf.Examples) as a dict of tensors, in file order."""
    spec = {key: tf.io.FixedLenFeature([], tf.string) for key in id_keys}
    for name, feature in piece.features.items():
        shape = [dim.size for dim in feature.shape.dim]
        spec[name] = tf.io.FixedLenFeature(shape, tf.dtypes.as_dtype(feature.dtype))
    records = tf.data.TFRecordDataset(os.path.join(GRAPH_DIR, piece.metadata.filename))
    serialized = next(iter(records.batch(1 << 30)), tf.constant([], tf.string))
    return tf.io.parse_example(serialized, spec)


def load_graph():
    """The whole graph as node sets and edge sets; a node's index is its row in its table."""
    node_sets, index = {}, {}
    for name, piece in SCHEMA.node_sets.items():
        table = read_table(piece, ["#id"])
        ids = table.pop("#id")
        rows = tf.range(tf.size(ids, out_type=tf.int64))
        index[name] = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(ids, rows), -1)
        node_sets[name] = tfgnn.NodeSet.from_fields(sizes=tf.shape(ids), features=table)
    edge_sets = {}
    for name, piece in SCHEMA.edge_sets.items():
        table = read_table(piece, ["#source", "#target"])
        source = tf.cast(index[piece.source].lookup(table.pop("#source")), tf.int32)
        target = tf.cast(index[piece.target].lookup(table.pop("#target")), tf.int32)
        edge_sets[name] = tfgnn.EdgeSet.from_fields(
            sizes=tf.shape(source),
            features=table,
            adjacency=tfgnn.Adjacency.from_indices((piece.source, source), (piece.target, target)),
        )
    return node_sets, edge_sets
