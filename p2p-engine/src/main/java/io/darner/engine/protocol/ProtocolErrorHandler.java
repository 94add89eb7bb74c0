package io.darner.engine.protocol;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Ends a connection whose peer broke the wire format: on a {@link FrameCodecException} it writes a
 * {@link Frame.Goodbye} with the exception message and closes the channel. Other exceptions are
 * passed on. Needs a {@link FrameEncoder} closer to the head of the pipeline.
 */
@Sharable
public class ProtocolErrorHandler extends ChannelInboundHandlerAdapter {

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof FrameCodecException)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        if (!ctx.channel().isActive()) {
            ctx.close();
            return;
        }
        ctx.writeAndFlush(new Frame.Goodbye(String.valueOf(cause.getMessage())))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
