//go:build !linux

package media

// background does nothing where a priority is not a thread's own.
func background() {}
