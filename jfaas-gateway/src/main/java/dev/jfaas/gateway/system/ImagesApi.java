package dev.jfaas.gateway.system;

import dev.jfaas.gateway.http.Framing;

import dev.jfaas.gateway.entry.InvokeApi;
import dev.jfaas.gateway.http.Replies;
import dev.jfaas.gateway.http.LimitedReadStream;
import dev.jfaas.gateway.http.Blocking;

import dev.jfaas.function.RequestRejected;
import dev.jfaas.images.ImageStore;
import dev.jfaas.images.StoredImage;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Files;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code /system/images}: the image store. An upload (an oci-archive or a docker save tarball as
 * the body) streams to a file, bounded, and is imported off the event loop; it is mounted before
 * the API's body handler, which would hold it in memory.
 */
public final class ImagesApi {

    record ImageView(String name, String digest, boolean inUse) {}

    private final ImageStore store;
    private final Supplier<Set<String>> inUse;
    private final long maxArchive;

    public ImagesApi(ImageStore store, Supplier<Set<String>> inUse, long maxArchive) {
        this.store = store;
        this.inUse = inUse;
        this.maxArchive = maxArchive;
    }

    /** The upload route; call before the body handler is mounted. */
    public void mountUpload(Router router) {
        router.post("/system/images").handler(this::upload);
    }

    public void mount(Router router) {
        router.get("/system/images").handler(ctx -> Blocking.run(ctx, () -> {
            var used = inUse.get();
            return store.list().stream().map(i -> new ImageView(i.name(), i.digest(), used.contains(i.name()))).toList();
        }, list -> Replies.json(ctx, 200, list)));
        router.post("/system/images/pull").handler(ctx -> Blocking.run(ctx, () -> view(store.pull(name(ctx))), image ->
                Replies.json(ctx, 201, image)));
        router.delete("/system/images").handler(ctx -> Blocking.run(ctx, () -> {
            var name = name(ctx);
            var image = store.find(name).orElseThrow(() -> RequestRejected.notFound("image " + name + " not found"));
            if (inUse.get().contains(image.name())) {
                throw RequestRejected.conflict("image " + image.name() + " is in use by a function; remove or update it first");
            }
            store.remove(image.name());
            return Map.of("removed", image.name());
        }, removed -> Replies.json(ctx, 200, removed)));
    }

    private void upload(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        request.pause();
        var length = request.getHeader("Content-Length");
        if (length != null && Framing.contentLength(length) > maxArchive) {
            Replies.error(request, 413, "image archive larger than " + maxArchive + " bytes (JFAAS_MAX_IMAGE_SIZE)");
            return;
        }
        var file = store.incomingFile();
        var name = request.getParam("name");
        ctx.vertx().fileSystem().open(file.toString(), new OpenOptions().setCreateNew(true).setWrite(true)).onComplete(opened -> {
            if (opened.failed()) {
                Replies.fail(ctx, opened.cause());
                return;
            }
            var out = opened.result();
            var limited = new LimitedReadStream(request, maxArchive);
            limited.pipeTo(out).onComplete(written -> {
                if (written.failed()) {
                    deleteQuietly(file);
                    if (!request.response().ended()) {
                        Replies.error(request, 400, "the archive did not arrive whole: " + written.cause().getMessage());
                    }
                    return;
                }
                Blocking.run(ctx, () -> {
                    try {
                        return view(store.importArchive(file, name));
                    } finally {
                        deleteQuietly(file);
                    }
                }, image -> Replies.json(ctx, 201, image));
            });
        });
    }

    private ImageView view(StoredImage image) {
        return new ImageView(image.name(), image.digest(), inUse.get().contains(image.name()));
    }

    private static String name(RoutingContext ctx) {
        var name = ctx.request().getParam("name");
        if (name == null || name.isBlank()) {
            throw RequestRejected.invalid("name the image: ?name=NAME");
        }
        return name;
    }

    private static void deleteQuietly(java.nio.file.Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (java.io.IOException ignored) {
            // an incoming file left behind is removed with the next start's store
        }
    }
}
