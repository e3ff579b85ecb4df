/**
 * The Linux guest runner: boots Debian's own kernel in a throwaway QEMU guest so that the real
 * USB/IP client (vhci-hcd + {@code usbip}) and the real {@code dfu-util} can talk to the
 * emulator, although the host kernel has no USB support (facts-vm-e2e.md).
 *
 * <ul>
 *   <li>{@link dev.stm32emu.cli.guest.GuestImage} builds (once, cached) the kernel and initramfs
 *       with {@code scripts/guest/build-image}, shipped inside the jar as resources.</li>
 *   <li>{@link dev.stm32emu.cli.guest.GuestRun} describes one guest session (commands, input and
 *       output files, the USB/IP server to reach) and runs it; the result is a
 *       {@link dev.stm32emu.cli.guest.GuestResult}.</li>
 *   <li>{@link dev.stm32emu.cli.guest.GuestVm} owns the QEMU process and always kills it by its
 *       own PID.</li>
 *   <li>{@link dev.stm32emu.cli.guest.LinuxClientCommand} is the {@code linux-client} command.</li>
 * </ul>
 */
package dev.stm32emu.cli.guest;
