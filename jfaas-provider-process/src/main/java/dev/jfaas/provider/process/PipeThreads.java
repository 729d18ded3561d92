package dev.jfaas.provider.process;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The threads that read replicas' stdout and stderr pipes. A read of a pipe blocks in the kernel; on a
 * virtual thread that pins its carrier, and once the scheduler's spare carriers retire after a
 * minute idle, a few http replicas' quiet log pipes held every carrier of a 2-core machine and
 * nothing else virtual ran again. So every blocking pipe read runs here, on platform threads that
 * are reused while busy and retire when idle. (Calls' own input and output cross the spawner's
 * socket, which parks a virtual thread instead.)
 */
final class PipeThreads {

    private static final ExecutorService THREADS = Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("pipe-", 0).factory());

    private PipeThreads() {}

    static void run(Runnable work) {
        THREADS.execute(work);
    }

}
