package io.darner.engine.protocol;

/**
 * Value checks shared by encoder and decoder, so that the encoder never emits a frame the decoder
 * rejects. Only structural rules (signs, counts, lengths); no business rules. Fields are non-null here.
 */
final class FrameRules {

    private FrameRules() {
    }

    static void check(Frame frame) {
        if (frame instanceof Frame.TaskInfo f) {
            notNegative(f, "size", f.size());
            notNegative(f, "pieceSize", f.pieceSize());
            notNegative(f, "pieceCount", f.pieceCount());
        } else if (frame instanceof Frame.PieceHashes f) {
            notNegative(f, "firstIndex", f.firstIndex());
            if (f.hashes().length % Frames.HASH_BYTES != 0) {
                throw invalid(f, "hashes is " + f.hashes().length + " bytes, not a multiple of " + Frames.HASH_BYTES);
            }
        } else if (frame instanceof Frame.PeerList f) {
            for (int i = 0; i < f.peers().size(); i++) {
                port(f, "peers[" + i + "].port", f.peers().get(i).port());
            }
        } else if (frame instanceof Frame.Register f) {
            port(f, "dataPort", f.dataPort());
        } else if (frame instanceof Frame.Progress f) {
            notNegative(f, "bytesVerified", f.bytesVerified());
            int[] pieces = f.newPieces();
            for (int i = 0; i < pieces.length; i++) {
                notNegative(f, "newPieces[" + i + "]", pieces[i]);
            }
        } else if (frame instanceof Frame.Bitfield f) {
            bitfield(f);
        } else if (frame instanceof Frame.Have f) {
            int[] indexes = f.indexes();
            for (int k = 0; k < indexes.length; k++) {
                notNegative(f, "indexes[" + k + "]", indexes[k]);
            }
        } else if (frame instanceof Frame.Request f) {
            notNegative(f, "index", f.index());
            notNegative(f, "holders", f.holders());
        } else if (frame instanceof Frame.RequestAny f) {
            notNegative(f, "knownPieces", f.knownPieces());
        } else if (frame instanceof Frame.Cancel f) {
            notNegative(f, "index", f.index());
        } else if (frame instanceof Frame.Reject f) {
            if (f.index() < -1) throw invalid(f, "index is below -1 (" + f.index() + "); -1 answers a REQUEST_ANY");
        } else if (frame instanceof Frame.Piece f) {
            notNegative(f, "index", f.index());
        }
    }

    /** bits holds exactly ceil(pieceCount / 8) bytes and the spare low bits of the last byte are 0. */
    private static void bitfield(Frame.Bitfield f) {
        int count = f.pieceCount();
        notNegative(f, "pieceCount", count);
        long expected = (count + 7L) / 8;
        if (f.bits().length != expected) {
            throw invalid(f, "bits is " + f.bits().length + " bytes, pieceCount " + count + " needs " + expected);
        }
        int spare = (int) (expected * 8 - count);
        if (spare > 0 && (f.bits()[f.bits().length - 1] & ((1 << spare) - 1)) != 0) {
            throw invalid(f, "spare bits after piece " + (count - 1) + " are set");
        }
    }

    private static void notNegative(Frame f, String field, long value) {
        if (value < 0) {
            throw invalid(f, field + " is negative (" + value + ")");
        }
    }

    private static void port(Frame f, String field, int port) {
        if (port < 0 || port > 0xFFFF) {
            throw invalid(f, field + " " + port + " is not a TCP port");
        }
    }

    private static FrameCodecException invalid(Frame f, String detail) {
        return new FrameCodecException("invalid " + f.type() + " frame: " + detail);
    }
}
