package io.darner.engine.swarm;

import io.darner.engine.api.TaskResult;
import io.darner.engine.api.TaskSpec;
import io.darner.engine.peer.PeerNode;
import io.darner.engine.protocol.Frame;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class TokenTest {
    @TempDir
    Path dir;

    @Test
    void aPeerWithoutTheTaskTokenReceivesNoBytes() throws Exception {
        try (TestSwarm swarm = new TestSwarm(dir, 0)) {
            PeerNode holder = swarm.addNode("holder");
            Path source = TestSwarm.randomFile(dir.resolve("src/app.bin"), 1024 * 1024, 4);
            TaskSpec spec = TaskSpec.of(source.toUri().toString(), null, null);
            TaskResult r = holder.download(spec).result().get(30, TimeUnit.SECONDS);
            assertThat(r.success()).isTrue();

            List<Frame> received = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> closed = new CompletableFuture<>();
            var ch = swarm.transport.connect(swarm.transport.nextLoop(), null, holder.dataAddress(), () -> new ChannelHandler[] {
                    new SimpleChannelInboundHandler<Frame>() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            ctx.writeAndFlush(new Frame.Handshake(Frame.PROTOCOL_VERSION, spec.taskId(), new byte[32], "intruder"));
                            ctx.writeAndFlush(new Frame.Request(0, 1));
                        }

                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, Frame f) {
                            received.add(f instanceof Frame.Piece p ? Frame.Have.of(p.index()) : f);
                        }

                        @Override
                        public void channelInactive(ChannelHandlerContext ctx) {
                            closed.complete(null);
                        }
                    }}).sync().channel();
            closed.get(10, TimeUnit.SECONDS);

            assertThat(ch.isActive()).isFalse();
            assertThat(received).hasSize(1);
            assertThat(received.get(0)).isInstanceOfSatisfying(Frame.Goodbye.class,
                    g -> assertThat(g.reason()).contains("wrong token"));
            assertThat(holder.uploadedBytes()).isZero();
        }
    }

    @Test
    void aNodeWithTheWrongClusterSecretIsRefused() throws Exception {
        try (TestSwarm swarm = new TestSwarm(dir, 0)) {
            PeerNode intruder = swarm.startNode("intruder", 0, "not-the-secret".getBytes());
            try {
                var registration = intruder.registration();
                assertThat(registration).failsWithin(10, TimeUnit.SECONDS)
                        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                        .withMessageContaining("wrong cluster secret");
                assertThat(swarm.supernode.nodeIds().get(5, TimeUnit.SECONDS)).doesNotContain("intruder");
            } finally {
                intruder.close();
            }
        }
    }
}
