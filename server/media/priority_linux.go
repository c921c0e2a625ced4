package media

import "syscall"

// background lowers the calling thread to the lowest priority (nice 19).
// On Linux a priority is a thread's own; the caller is locked to its
// thread and ends with it.
func background() {
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), 19)
}
