import express, { Router, type Request, type Response } from 'express';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { SimContext } from '../../context.ts';
import { assertRights, canSeeOrg, principalOf, type Principal } from '../../http/auth.ts';
import { defaultJsonBodyLimit, parseBody } from '../../http/body.ts';
import { fail, vcdError } from '../../http/errors.ts';
import { vmRuntime } from '../../infra/vms.ts';
import type { JsonValue } from '../../world/json.ts';
import type { TaskRecord } from '../../world/tasks.ts';
import { vAppsSlice, vcdStatus, type VApp, type Vm } from '../../world/vapps.ts';
import {
  guestPropertiesOf,
  productSectionListJson,
  withPropertyValues,
} from '../catalogs/product-sections.ts';
import { href, media, sendLegacy, urnFromSegment } from '../compute/legacy.ts';
import { findVdc } from '../compute/vdcs.ts';
import { holderOf, takePoolIp } from '../network/ip-pool.ts';
import type { RunningTask } from '../tasks/task-service.ts';
import { taskHref } from '../tasks/task-service.ts';
import { taskJson } from '../tasks/tasks.ts';
import { planInstantiation, type InstantiationPlan } from './instantiate.ts';
import { sendLegacyXml, wantsXml, xmlMedia } from '../catalogs/legacy-xml.ts';
import { guestCustomizationStatusOf, vAppJson, vmJson } from './vapp-json.ts';
import {
  extraConfigOfRequest,
  mergeExtraConfig,
  virtualHardwareSectionMedia,
  virtualHardwareSectionXml,
} from './virtual-hardware.ts';

const createRight = 'vApp: Create / Reconfigure';
/** XML bodies of the sections VCD only documents in XML (the virtual hardware section). */
const xmlBodies = express.text({
  type: ['application/*+xml', 'application/xml', 'text/xml'],
  limit: defaultJsonBodyLimit,
});
const powerRight = 'vApp: Power Operations';
const deleteRight = 'vApp: Delete';

const undeployInput = z
  .object({ undeployPowerAction: z.enum(['powerOff', 'suspend', 'shutdown', 'force', 'default']).optional() })
  .passthrough();
const deployInput = z
  .object({ powerOn: z.boolean().optional(), forceCustomization: z.boolean().optional() })
  .passthrough();

type Target = { kind: 'vApp'; vApp: VApp } | { kind: 'VM'; vApp: VApp; vm: Vm };

function macAddressOf(vmId: string, index: number): string {
  const hex = createHash('sha1').update(`${vmId}:${index}`).digest('hex');
  return `00:50:56:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`;
}

/**
 * vApps and VMs in the legacy API: instantiate a vApp template into a VDC (201 with the vApp and
 * its task, as VCD answers), read them, power operations, undeploy and delete (202 + task). Each
 * NIC gets an address from its network's static pool when the task runs; VMs boot through
 * `infra/vms.ts`.
 */
export function vAppsArea(ctx: SimContext): Router {
  const router = Router();
  const base = () => ctx.publicUrl();
  const state = () => vAppsSlice.of(ctx.store.world);
  const runtime = vmRuntime(ctx);
  const vmsOf = (vApp: VApp) => vApp.vmIds.flatMap((id) => (state().vms[id] ? [state().vms[id]] : []));

  const findTarget = (principal: Principal, segment: string): Target => {
    const vAppId = urnFromSegment(segment, 'vapp', 'vapp');
    const vmId = urnFromSegment(segment, 'vm', 'vm');
    if (vAppId) {
      const vApp = state().vApps[vAppId];
      if (vApp && canSeeOrg(principal, vApp.orgId)) return { kind: 'vApp', vApp };
    }
    if (vmId) {
      const vm = state().vms[vmId];
      const vApp = vm ? state().vApps[vm.vAppId] : undefined;
      if (vm && vApp && canSeeOrg(principal, vm.orgId)) return { kind: 'VM', vApp, vm };
    }
    fail('notFound', { kind: vmId ? 'VM' : 'VApp', id: segment });
  };
  const targetVms = (target: Target) => (target.kind === 'VM' ? [target.vm] : vmsOf(target.vApp));
  const targetName = (target: Target) => (target.kind === 'VM' ? target.vm.name : target.vApp.name);
  const targetRef = (target: Target) =>
    target.kind === 'VM'
      ? { id: target.vm.id, name: target.vm.name, type: media.vm }
      : { id: target.vApp.id, name: target.vApp.name, type: media.vApp };

  /** Runs a change of a vApp (or one of its VMs) as a task; the vApp is busy meanwhile. */
  const runOnVApp = (
    vApp: VApp,
    principal: Principal,
    input: { operation: string; operationName: string; owner: { id: string; name: string; type: string } },
    work: (task: RunningTask) => Promise<JsonValue | undefined | void>,
  ): TaskRecord => {
    if (vApp.busyTaskId) {
      const running = ctx.store.world.tasks[vApp.busyTaskId];
      if (running && !['success', 'error', 'aborted'].includes(running.status))
        fail('busyEntity', { id: vApp.id });
    }
    const task = ctx.tasks.start({
      ...input,
      org: { id: vApp.orgId, name: ctx.store.world.orgs[vApp.orgId]?.name ?? '' },
      user: principal.user,
      work,
    });
    vApp.busyTaskId = task.id;
    void ctx.tasks.settled(task).then(() => {
      const current = state().vApps[vApp.id];
      if (current?.busyTaskId === task.id) current.busyTaskId = null;
      ctx.store.changed();
    });
    return task;
  };
  const answerTask = (req: Request, res: Response, task: TaskRecord) => {
    res.location(taskHref(base(), task));
    sendLegacy(req, res, media.task, taskJson(base(), task), 202);
  };

  const refreshDeployed = (vApp: VApp) => {
    vApp.deployed = vmsOf(vApp).some((vm) => vm.deployed);
  };

  /** Gives every POOL/MANUAL NIC its address, or throws VCD's pool-exhausted / in-use error. */
  const assignAddresses = (vms: Vm[]) => {
    const world = ctx.store.world;
    for (const vm of vms) {
      for (const nic of vm.networkConnections) {
        const network = world.orgVdcNetworks[nic.networkId];
        if (!network || nic.ipAddressAllocationMode === 'DHCP' || nic.ipAddressAllocationMode === 'NONE')
          continue;
        if (nic.ipAddressAllocationMode === 'MANUAL') {
          const holder = holderOf(world, network.id, nic.ipAddress ?? '', vm.id);
          if (holder) throw vcdError('ipAddressInUse', { ip: nic.ipAddress ?? '', network: network.name });
          continue;
        }
        if (nic.ipAddress) continue;
        const ip = takePoolIp(world, network);
        if (!ip) throw vcdError('ipPoolExhausted', { network: network.name });
        nic.ipAddress = ip;
      }
    }
  };

  const createVApp = (
    principal: Principal,
    vdcOrg: { id: string },
    vdcId: string,
    plan: InstantiationPlan,
  ): VApp => {
    const now = ctx.clock.iso();
    const vApp: VApp = {
      id: ctx.store.ids.urn('vapp'),
      name: plan.name,
      description: plan.description,
      orgId: vdcOrg.id,
      vdcId,
      owner: { id: principal.user.id, name: principal.user.name },
      status: vcdStatus.unresolved,
      deployed: false,
      vmIds: [],
      dateCreated: now,
      busyTaskId: null,
    };
    for (const planned of plan.vms) {
      const policy = ctx.store.world.computePolicies[planned.sizingPolicyId];
      const id = ctx.store.ids.urn('vm');
      const vm: Vm = {
        id,
        name: planned.name,
        description: planned.description,
        vAppId: vApp.id,
        orgId: vApp.orgId,
        vdcId,
        templateId: plan.template.id,
        templateVmId: planned.source.id,
        status: vcdStatus.unresolved,
        deployed: false,
        computerName: planned.computerName,
        osType: planned.source.osType,
        cpuCount: policy?.cpuCount ?? planned.source.cpuCount,
        coresPerSocket: policy?.coresPerSocket ?? 1,
        memoryMb: policy?.memory ?? planned.source.memoryMb,
        diskSizeMb: planned.source.diskSizeMb,
        sizingPolicyId: planned.sizingPolicyId,
        storageProfileId: planned.storageProfileId,
        networkConnections: planned.nics.map((nic) => ({
          networkId: nic.network.id,
          networkName: nic.network.name,
          networkConnectionIndex: nic.index,
          ipAddressAllocationMode: nic.mode,
          ipAddress: nic.ipAddress,
          macAddress: macAddressOf(id, nic.index),
          isConnected: nic.isConnected,
        })),
        productSections: withPropertyValues(planned.source.productSections, planned.properties),
        guestCustomizationEnabled: planned.guestCustomization,
        guestState: 'off',
        bootedAt: null,
        dateCreated: now,
      };
      state().vms[vm.id] = vm;
      vApp.vmIds.push(vm.id);
    }
    state().vApps[vApp.id] = vApp;
    return vApp;
  };

  const removeVApp = (vApp: VApp) => {
    for (const vmId of vApp.vmIds) {
      runtime.discard(vmId);
      delete state().vms[vmId];
    }
    delete state().vApps[vApp.id];
  };

  router.post('/api/vdc/:id/action/instantiateVAppTemplate', (req, res) => {
    const principal = principalOf(req);
    const world = ctx.store.world;
    const vdc = findVdc(principal, world, req.params.id);
    assertRights(principal, [createRight], 'instantiate vApp template');
    const plan = planInstantiation(req.body, principal, world, vdc);
    if (Object.values(state().vApps).some((vApp) => vApp.vdcId === vdc.id && vApp.name === plan.name)) {
      fail('duplicateName', { kind: 'vApp', name: plan.name });
    }
    const vApp = createVApp(principal, vdc.org, vdc.id, plan);
    runOnVApp(
      vApp,
      principal,
      {
        operation: `Creating Virtual Application ${vApp.name}(${vApp.id.split(':').pop()})`,
        operationName: 'vdcInstantiateVapp',
        owner: { id: vApp.id, name: vApp.name, type: media.vApp },
      },
      async (task) => {
        const current = state().vApps[vApp.id];
        if (!current) fail('notFound', { kind: 'VApp', id: vApp.id });
        const vms = vmsOf(current);
        try {
          assignAddresses(vms);
        } catch (error) {
          removeVApp(current);
          throw error;
        }
        for (const vm of vms) vm.status = vcdStatus.poweredOff;
        current.status = vcdStatus.poweredOff;
        ctx.store.changed();
        task.progress(50);
        if (plan.powerOn) {
          await Promise.all(vms.map((vm) => runtime.powerOn(vm, task.signal)));
          refreshDeployed(current);
        }
      },
    );
    res.location(href.vApp(base(), vApp.id));
    sendLegacy(req, res, media.vApp, vAppJson(base(), ctx.store.world, vApp, vmsOf(vApp)), 201);
  });

  router.get('/api/vApp/:ref', (req, res) => {
    const target = findTarget(principalOf(req), req.params.ref);
    if (target.kind === 'VM')
      sendLegacy(req, res, media.vm, vmJson(base(), ctx.store.world, target.vm, target.vApp.busyTaskId));
    else sendLegacy(req, res, media.vApp, vAppJson(base(), ctx.store.world, target.vApp, vmsOf(target.vApp)));
  });
  router.get('/api/vApp/:ref/productSections', (req, res) => {
    const target = findTarget(principalOf(req), req.params.ref);
    const self = target.kind === 'VM' ? href.vm(base(), target.vm.id) : href.vApp(base(), target.vApp.id);
    const sections = target.kind === 'VM' ? target.vm.productSections : [];
    sendLegacy(req, res, media.productSections, productSectionListJson(`${self}/productSections`, sections));
  });
  router.get('/api/vApp/:ref/guestcustomizationstatus', (req, res) => {
    const target = findTarget(principalOf(req), req.params.ref);
    if (target.kind !== 'VM') fail('notFound', { kind: 'VM', id: req.params.ref });
    sendLegacy(req, res, media.guestCustomizationStatus, {
      otherAttributes: {},
      href: `${href.vm(base(), target.vm.id)}/guestcustomizationstatus`,
      type: media.guestCustomizationStatus,
      guestCustStatus: guestCustomizationStatusOf(target.vm),
    });
  });

  // The virtual hardware section in XML, where ExtraConfig (`guestinfo.*`) lives (virtual-hardware.ts).
  router.get('/api/vApp/:ref/virtualHardwareSection', (req, res) => {
    const target = findTarget(principalOf(req), req.params.ref);
    if (target.kind !== 'VM') fail('notFound', { kind: 'VM', id: req.params.ref });
    if (!wantsXml(req))
      fail('badRequest', {
        reason: 'The simulator serves the virtual hardware section in XML only (Accept: application/*+xml).',
      });
    res.status(200).setHeader('Content-Type', `${virtualHardwareSectionMedia};version=${req.apiVersion}`);
    res.end(virtualHardwareSectionXml(base(), target.vm));
  });
  router.put('/api/vApp/:ref/virtualHardwareSection', xmlBodies, (req, res) => {
    const principal = principalOf(req);
    const target = findTarget(principal, req.params.ref);
    if (target.kind !== 'VM') fail('notFound', { kind: 'VM', id: req.params.ref });
    assertRights(principal, [createRight], 'reconfigure VM');
    if (typeof req.body !== 'string')
      fail('unsupportedMediaType', {
        contentType: req.get('content-type') ?? 'none',
        expected: virtualHardwareSectionMedia,
      });
    const changes = extraConfigOfRequest(req.body);
    const vmId = target.vm.id;
    const task = runOnVApp(
      target.vApp,
      principal,
      {
        operation: `Updating Virtual Machine ${target.vm.name}(${vmId.split(':').pop()})`,
        operationName: 'vappUpdateVm',
        owner: targetRef(target),
      },
      async () => {
        const vm = state().vms[vmId];
        if (!vm) fail('notFound', { kind: 'VM', id: vmId });
        vm.extraConfig = mergeExtraConfig(vm.extraConfig ?? [], changes);
        ctx.store.changed();
      },
    );
    if (!wantsXml(req)) {
      answerTask(req, res, task);
      return;
    }
    res.location(taskHref(base(), task));
    const owner = { href: href.vm(base(), vmId), name: target.vm.name, type: xmlMedia(media.vm) };
    sendLegacyXml(
      req,
      res,
      media.task,
      'Task',
      {
        '@href': taskHref(base(), task),
        '@type': xmlMedia(media.task),
        '@id': task.id,
        '@name': 'task',
        '@status': task.status,
        '@operation': task.operation,
        '@operationName': task.operationName,
        '@startTime': task.startTime,
        Owner: { '@href': owner.href, '@name': owner.name, '@type': owner.type },
      },
      202,
    );
  });

  const powerOn = (req: Request<{ ref: string }>, res: Response) => {
    const principal = principalOf(req);
    const target = findTarget(principal, req.params.ref);
    assertRights(principal, [powerRight], 'power on');
    const vms = targetVms(target).filter((vm) => vm.status !== vcdStatus.poweredOn);
    if (vms.length === 0 || target.vApp.status === vcdStatus.unresolved) {
      fail('invalidPowerState', { kind: target.kind, name: targetName(target), state: 'powered on' });
    }
    const task = runOnVApp(
      target.vApp,
      principal,
      {
        operation: `Starting ${target.kind} ${targetName(target)}`,
        operationName: target.kind === 'VM' ? 'vappDeploy' : 'vdcDeployVapp',
        owner: targetRef(target),
      },
      async (running) => {
        await Promise.all(vms.map((vm) => runtime.powerOn(vm, running.signal)));
        refreshDeployed(target.vApp);
      },
    );
    answerTask(req, res, task);
  };
  const powerOff = (undeploy: boolean) => (req: Request<{ ref: string }>, res: Response) => {
    const principal = principalOf(req);
    const target = findTarget(principal, req.params.ref);
    assertRights(principal, [powerRight], undeploy ? 'undeploy' : 'power off');
    if (req.body !== undefined && undeploy) parseBody(undeployInput, req.body);
    const vms = targetVms(target);
    const changing = vms.filter((vm) => vm.status === vcdStatus.poweredOn || (undeploy && vm.deployed));
    if (changing.length === 0 || target.vApp.status === vcdStatus.unresolved) {
      fail('invalidPowerState', {
        kind: target.kind,
        name: targetName(target),
        state: undeploy ? 'undeployed' : 'powered off',
      });
    }
    const task = runOnVApp(
      target.vApp,
      principal,
      {
        operation: `${undeploy ? 'Stopping' : 'Powering off'} ${target.kind} ${targetName(target)}`,
        operationName: undeploy
          ? target.kind === 'VM'
            ? 'vappUndeployPowerOff'
            : 'vdcUndeployVapp'
          : 'vappPowerOff',
        owner: targetRef(target),
      },
      async () => {
        for (const vm of changing) runtime.powerOff(vm, undeploy);
        refreshDeployed(target.vApp);
      },
    );
    answerTask(req, res, task);
  };
  router.post('/api/vApp/:ref/power/action/powerOn', powerOn);
  router.post('/api/vApp/:ref/power/action/powerOff', powerOff(false));
  router.post('/api/vApp/:ref/action/undeploy', powerOff(true));
  router.post('/api/vApp/:ref/action/deploy', (req, res) => {
    const input = req.body === undefined ? {} : parseBody(deployInput, req.body);
    if (input.powerOn === false) {
      const principal = principalOf(req);
      const target = findTarget(principal, req.params.ref);
      assertRights(principal, [powerRight], 'deploy');
      const task = runOnVApp(
        target.vApp,
        principal,
        {
          operation: `Deploying ${target.kind} ${targetName(target)}`,
          operationName: 'vdcDeployVapp',
          owner: targetRef(target),
        },
        async () => {
          for (const vm of targetVms(target)) vm.deployed = true;
          refreshDeployed(target.vApp);
        },
      );
      answerTask(req, res, task);
      return;
    }
    powerOn(req, res);
  });
  router.post('/api/vApp/:ref/power/action/:action', (req) => {
    fail('badRequest', { reason: `Power action ${req.params.action} is not supported by the simulator.` });
  });

  router.delete('/api/vApp/:ref', (req, res) => {
    const principal = principalOf(req);
    const target = findTarget(principal, req.params.ref);
    assertRights(principal, [deleteRight], 'delete');
    const vms = targetVms(target);
    if (vms.some((vm) => vm.deployed || vm.status === vcdStatus.poweredOn)) {
      fail('notStopped', { kind: target.kind === 'VM' ? 'VM' : 'vApp', name: targetName(target) });
    }
    const task = runOnVApp(
      target.vApp,
      principal,
      {
        operation: `Deleting ${target.kind} ${targetName(target)}`,
        operationName: target.kind === 'VM' ? 'vappDeleteVm' : 'vdcDeleteVapp',
        owner: targetRef(target),
      },
      async () => {
        const vApp = state().vApps[target.vApp.id];
        if (!vApp) return;
        if (target.kind === 'vApp') {
          removeVApp(vApp);
          return;
        }
        runtime.discard(target.vm.id);
        delete state().vms[target.vm.id];
        vApp.vmIds = vApp.vmIds.filter((id) => id !== target.vm.id);
        refreshDeployed(vApp);
      },
    );
    answerTask(req, res, task);
  });

  return router;
}

/** Guest properties of a VM (key → value), for other simulator areas. */
export function guestPropertiesOfVm(vm: Vm): Record<string, string> {
  return guestPropertiesOf(vm.productSections);
}
