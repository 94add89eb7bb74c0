package io.darner.engine.supernode;

import java.util.BitSet;

/**
 * Scores a candidate parent for a node. Higher is better. Same room matters most (cross-room
 * traffic is what operators pay for), then free upload capacity, then how many pieces the
 * candidate holds that the node lacks. A small jitter spreads children over equal candidates.
 */
final class ParentEvaluator {
    static final double SAME_ROOM_WEIGHT = 0.4;
    static final double FREE_UPLOAD_WEIGHT = 0.3;
    static final double USEFUL_PIECES_WEIGHT = 0.3;
    static final double JITTER = 0.02;

    record Candidate(boolean sameRoom, long uploadRate, long maxUploadRate, int children, BitSet pieces, int pieceCount) {}

    double score(Candidate c, BitSet nodePieces, double jitter) {
        double room = c.sameRoom() ? 1 : 0;
        double capacity = c.maxUploadRate() <= 0 ? 1 : (double) Math.max(c.uploadRate(), 1) / c.maxUploadRate();
        double free = capacity / (1 + c.children());
        double useful = 0;
        if (c.pieceCount() > 0) {
            BitSet u = (BitSet) c.pieces().clone();
            u.andNot(nodePieces);
            useful = (double) u.cardinality() / c.pieceCount();
        }
        return SAME_ROOM_WEIGHT * room + FREE_UPLOAD_WEIGHT * free + USEFUL_PIECES_WEIGHT * useful + JITTER * jitter;
    }
}
