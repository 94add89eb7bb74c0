package io.darner.engine.protocol;

import io.netty.handler.codec.DecoderException;

/**
 * A frame that violates the wire format, on decode or on encode. The message names the frame type
 * and field and is meant to be sent to the peer as a {@link Frame.Goodbye} reason.
 *
 * <p>Extends {@link DecoderException} so that {@code ByteToMessageDecoder} rethrows it unwrapped;
 * on the encode path Netty wraps it in an {@code EncoderException} that fails the write promise.
 */
public class FrameCodecException extends DecoderException {

    private static final long serialVersionUID = 1L;

    public FrameCodecException(String message) {
        super(message);
    }

    public FrameCodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
