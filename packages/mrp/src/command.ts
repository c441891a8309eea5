// Playback commands (SEND_COMMAND_MESSAGE) and what the device answers to them.

import { CommandError, enumName, ProtocolError } from "@atv/interface";
import {
  Command,
  ErrorCode,
  HandlerReturnStatus,
  MessageType,
  SendError,
} from "./protobuf/generated/enums.js";
import { messageTypeName, payloadOf } from "./protobuf/payloads.js";
import type { ProtocolMessage } from "./protobuf/types.js";
import type { MrpProtocol, RequestOptions } from "./protocol.js";

/**
 * A command the device refused. `reason` names the device's status: its SendError,
 * HandlerReturnStatus or ErrorCode (e.g. "NoCommandHandlers", "CommandFailed").
 */
export class MrpCommandError extends CommandError {
  readonly reason: string;
  readonly sendError: SendError | undefined;
  readonly handlerReturnStatus: HandlerReturnStatus | undefined;

  constructor(
    message: string,
    details: { reason: string; sendError?: SendError; handlerReturnStatus?: HandlerReturnStatus },
  ) {
    super(message);
    this.reason = details.reason;
    this.sendError = details.sendError;
    this.handlerReturnStatus = details.handlerReturnStatus;
  }
}

/** Sends `message` (a SEND_COMMAND_MESSAGE) and throws MrpCommandError unless it succeeded. */
export async function sendCommand(
  protocol: MrpProtocol,
  message: ProtocolMessage,
  options: RequestOptions = {},
): Promise<void> {
  const command = message.sendCommandMessage?.command ?? Command.Unknown;
  const commandName = enumName(Command, command) ?? `command ${command}`;
  const response = await protocol.sendAndReceive(message, options);

  const errorCode = response.errorCode ?? ErrorCode.NoError;
  if (errorCode !== ErrorCode.NoError) {
    const reason = enumName(ErrorCode, errorCode) ?? `ErrorCode ${errorCode}`;
    throw new MrpCommandError(`${commandName} failed: ${reason}`, { reason });
  }
  const result = payloadOf(response, MessageType.SEND_COMMAND_RESULT_MESSAGE);
  if (result === undefined) {
    throw new ProtocolError(
      `${commandName}: expected SEND_COMMAND_RESULT_MESSAGE, got ${messageTypeName(response.type)}`,
    );
  }
  const sendError = (result.sendError ?? SendError.NoError) as SendError;
  const status = (result.handlerReturnStatus ?? HandlerReturnStatus.Success) as HandlerReturnStatus;
  if (sendError === SendError.NoError && status === HandlerReturnStatus.Success) return;

  const sendErrorName = enumName(SendError, sendError) ?? String(sendError);
  const statusName = enumName(HandlerReturnStatus, status) ?? String(status);
  // The more specific of the two is the reason: a send error says the command never reached
  // a handler; otherwise the handler's own status says why it failed.
  const reason = sendError !== SendError.NoError ? sendErrorName : statusName;
  throw new MrpCommandError(
    `${commandName} failed: SendError=${sendErrorName}, HandlerReturnStatus=${statusName}`,
    { reason, sendError, handlerReturnStatus: status },
  );
}
