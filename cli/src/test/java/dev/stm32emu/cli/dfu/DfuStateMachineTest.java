package dev.stm32emu.cli.dfu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stm32emu.cli.dfu.DfuStateMachine.Outcome;
import dev.stm32emu.cli.dfu.DfuStateMachine.Response;
import dev.stm32emu.core.usb.SetupPacket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The device side alone, request by request (AN3156 §6, DFU 1.1 Appendix A). */
class DfuStateMachineTest {

    private final NorFlashFake flash = new NorFlashFake("@Internal Flash  /0x08000000/64*002Kg");
    private final DfuStateMachine dfu = new DfuStateMachine(DfuDeviceConfig.dfuse(2048), List.of(flash));

    private Response dnload(int block, byte[] data, long now) {
        return dfu.handle(DfuRequest.DNLOAD.setup(block, 0, data.length), data, now);
    }

    private DfuStatusReport status(long now) {
        Response r = dfu.handle(DfuRequest.GETSTATUS.setup(0, 0, 6), null, now);
        assertEquals(Outcome.ACK, r.outcome());
        return DfuStatusReport.parse(r.data());
    }

    @Test
    void shouldMoveTheAddressPointerOnlyOnTheGetstatusAfterTheCommand() {
        assertEquals(Outcome.ACK, dnload(0, new byte[]{0x21, 0x00, 0x40, 0x00, 0x08}, 0).outcome());
        assertEquals(0x08000000L, dfu.addressPointer());
        assertEquals(DfuState.DFU_DNLOAD_SYNC, dfu.state());

        DfuStatusReport busy = status(0);

        assertEquals(DfuStatusReport.of(DfuStatus.OK, 0, DfuState.DFU_DNBUSY), busy);
        assertEquals(0x08004000L, dfu.addressPointer());
        assertEquals(DfuStatusReport.of(DfuStatus.OK, 0, DfuState.DFU_DNLOAD_IDLE), status(0));
    }

    @Test
    void shouldReportTheEraseTimeAsPollTimeoutAndStallAPollThatComesTooEarly() {
        dnload(0, new byte[]{0x41, 0x00, 0x00, 0x00, 0x08}, 100);
        assertEquals(20, status(100).pollTimeoutMillis());

        Response early = dfu.handle(DfuRequest.GETSTATUS.setup(0, 0, 6), null, 119);

        assertEquals(Outcome.STALL, early.outcome());
        assertEquals(DfuState.DFU_ERROR, dfu.state());
        assertEquals(DfuStatus.ERR_STALLEDPKT, dfu.status());
    }

    @Test
    void shouldWriteDataBlocksRelativeToTheAddressPointer() {
        dnload(0, new byte[]{0x21, 0x00, 0x10, 0x00, 0x08}, 0);
        status(0);
        status(0);

        dnload(3, new byte[]{1, 2, 3}, 0);
        status(0);
        DfuStatusReport done = status(5);

        assertEquals(DfuState.DFU_DNLOAD_IDLE.code(), done.stateCode());
        assertArrayEquals(new byte[]{1, 2, 3}, flash.peek(0x08001000L + 2048, 3));
    }

    @Test
    void shouldReportAWriteOutsideTheFlashAsErrTargetOnTheSecondPoll() {
        dnload(0, new byte[]{0x21, (byte) 0xF0, (byte) 0xFF, 0x01, 0x08}, 0);
        status(0);
        status(0);
        dnload(2, new byte[32], 0);
        status(0);

        DfuStatusReport r = status(5);

        assertEquals(DfuStatusReport.of(DfuStatus.ERR_TARGET, 0, DfuState.DFU_ERROR), r);
    }

    @Test
    void shouldListTheDfuseCommandsOnUploadBlockZero() {
        Response r = dfu.handle(DfuRequest.UPLOAD.setup(0, 0, 2048), null, 0);

        assertArrayEquals(new byte[]{0x00, 0x21, 0x41, (byte) 0x92}, r.data());
        assertEquals(DfuState.DFU_IDLE, dfu.state(), "a short frame ends the upload (DFU 1.1 A.2.10)");
    }

    @Test
    void shouldStallClrstatusOutsideDfuErrorAndThenClearIt() {
        SetupPacket clr = DfuRequest.CLRSTATUS.setup(0, 0, 0);

        assertEquals(Outcome.STALL, dfu.handle(clr, new byte[0], 0).outcome());
        assertEquals(DfuState.DFU_ERROR, dfu.state());
        assertEquals(Outcome.ACK, dfu.handle(clr, new byte[0], 0).outcome());
        assertEquals(DfuState.DFU_IDLE, dfu.state());
        assertEquals(DfuStatus.OK, dfu.status());
    }

    @Test
    void shouldAnswerDfuManifestToTheLeaveRequestAndThenBeGone() {
        dnload(0, new byte[]{0x21, 0x00, (byte) 0x80, 0x00, 0x08}, 0);
        status(0);
        status(0);
        dnload(2, new byte[0], 0);

        DfuStatusReport r = status(0);

        assertEquals(DfuState.DFU_MANIFEST.code(), r.stateCode());
        assertTrue(dfu.hasLeft());
        assertEquals(0x08008000L, dfu.leaveAddress());
        assertEquals(Outcome.NO_ANSWER, dfu.handle(DfuRequest.GETSTATUS.setup(0, 0, 6), null, 0).outcome());
    }

    @Test
    void shouldStallRequestsToAnotherInterfaceWithoutChangingState() {
        Response r = dfu.handle(DfuRequest.GETSTATUS.setup(0, 1, 6), null, 0);

        assertEquals(Outcome.STALL, r.outcome());
        assertEquals(DfuState.DFU_IDLE, dfu.state());
    }
}
