import { Injectable } from '@nestjs/common';
import type { Namespace } from 'socket.io';

/** The room every socket of one member joins, in either namespace. */
export const memberRoom = (memberId: string) => `member:${memberId}`;

/**
 * Pushes events to drivers and riders wherever they are connected: rooms are shared across
 * processes by the socket.io Redis adapter, so any node can reach any member.
 */
@Injectable()
export class RealtimeNotifier {
  private drivers?: Namespace;
  private riders?: Namespace;

  attachDrivers(namespace: Namespace): void {
    this.drivers = namespace;
  }

  attachRiders(namespace: Namespace): void {
    this.riders = namespace;
  }

  toDriver(driverId: string, event: string, payload: object): void {
    this.drivers?.to(memberRoom(driverId)).emit(event, payload);
  }

  toRider(riderId: string, event: string, payload: object): void {
    this.riders?.to(memberRoom(riderId)).emit(event, payload);
  }
}
