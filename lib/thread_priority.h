// Scheduling priority of the calling thread. A pipeline's serial stages (decompressing one
// zstd frame, replaying) set its pace; the parse workers are many and can wait. With every
// thread at one priority the scheduler shares a core equally among them, so a serial stage
// is held back whenever the workers are all busy, and the pipeline stalls behind it.
#pragma once

namespace b24 {

// Lowers the calling thread's priority by `steps` nice levels (at most to 19). Linux only
// (nice is per thread there); elsewhere, and on any failure, nothing changes.
void lower_thread_priority(int steps);

}  // namespace b24
